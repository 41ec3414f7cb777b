# bash completion for headprobe, in the spirit of urfave/cli's autocomplete/bash_autocomplete:
# headprobe itself lists the commands and flags that fit (urfave/cli's hidden
# --generate-bash-completion flag), so this script never goes stale.
#
#   source deploy/completion/headprobe.bash      # this shell
#   sudo cp deploy/completion/headprobe.bash /usr/share/bash-completion/completions/headprobe

_headprobe() {
	local cur=${COMP_WORDS[COMP_CWORD]}
	local -a words=("${COMP_WORDS[@]:0:COMP_CWORD}")
	local word opts
	COMPREPLY=()
	for word in "${words[@]}"; do
		# after "--" urfave/cli does not complete: it would run the probe
		[[ $word == -- ]] && return 0
	done
	words[0]=${words[0]/#\~/$HOME}
	if [[ $cur == -* ]]; then
		opts=$("${words[@]}" "$cur" --generate-bash-completion 2>/dev/null)
	else
		# commands only: after a flag that takes a value, the shell's default (file names) applies
		opts=$("${words[@]}" --generate-bash-completion 2>/dev/null | grep -v '^-')
	fi
	mapfile -t COMPREPLY < <(compgen -W "$opts" -- "$cur")
	return 0
}

complete -o bashdefault -o default -F _headprobe headprobe
