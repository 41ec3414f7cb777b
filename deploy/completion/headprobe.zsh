#compdef headprobe
# zsh completion for headprobe, in the spirit of urfave/cli's autocomplete/zsh_autocomplete:
# headprobe itself lists the commands and flags that fit (urfave/cli's hidden
# --generate-bash-completion flag), so this script never goes stale.
#
#   source deploy/completion/headprobe.zsh       # this shell, after compinit
#   or copy it as _headprobe into a directory of your $fpath

_headprobe() {
	local cur=${words[CURRENT]}
	local -a cmd opts
	cmd=("${(@Q)words[1,CURRENT-1]}")
	# after "--" urfave/cli does not complete: it would run the probe
	if (( ${cmd[(I)--]} )); then
		_files
		return
	fi
	if [[ $cur == -* ]]; then
		opts=("${(@f)$("${cmd[@]}" "$cur" --generate-bash-completion 2>/dev/null)}")
	else
		opts=("${(@f)$("${cmd[@]}" --generate-bash-completion 2>/dev/null)}")
		opts=(${opts:#-*}) # commands only: after a flag that takes a value, complete file names
	fi
	if [[ -n ${opts[1]} ]]; then
		_describe 'headprobe' opts
	else
		_files
	fi
}

if [[ ${funcstack[1]} == _headprobe ]]; then
	_headprobe "$@"
else
	compdef _headprobe headprobe
fi
