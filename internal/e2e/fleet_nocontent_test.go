package e2e

import (
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// shadowLike is a file that is not a targets file and holds secrets in its keys, as /etc/shadow
// does (each line a key ending in ':'), and a credentials file its api_key.
const shadowLike = "root:$6$rounds=5000$s4ltS4lt$Zq8Hd9wq1X:20228:0:99999:7:::\n" +
	"api_key: sk_live_9f8e7d6c5b4a\n"

// shadowSecrets are the parts of shadowLike that no output may show.
var shadowSecrets = []string{"root:", "$6$", "s4ltS4lt", "Zq8Hd9wq1X", "20228", "api_key", "sk_live"}

// TestTargets_NoFileContentEchoed: a --targets file that is not a targets file (here a symlink to a
// shadow-like file) is refused without a word of its content: by a one-shot run, at serve's
// start, and by serve --targets' reload, both in its warning on stderr (SIGHUP) and in POST
// /-/reload's 500 answer. POST /-/reload without --enable-reload is 403 and reloads nothing.
func TestTargets_NoFileContentEchoed(t *testing.T) {
	t.Parallel() // waits on serve: overlaps the others
	dir := t.TempDir()
	shadow := filepath.Join(dir, "shadow")
	if err := os.WriteFile(shadow, []byte(shadowLike), 0o600); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "targets.yaml")
	if err := os.Symlink(shadow, link); err != nil {
		t.Fatal(err)
	}
	shown := func(where, text string) {
		t.Helper()
		for _, s := range shadowSecrets {
			if strings.Contains(text, s) {
				t.Errorf("%s shows the file's %q:\n%s", where, s, text)
			}
		}
	}
	o := probeRun(t, "--targets", link)
	o.expect(t, 3, "UNKNOWN: "+link+":1: an unknown key at line 1")
	shown("a one-shot run", o.stdout+o.stderr)

	if s, answering := launchServe(t, "--targets", link); answering {
		t.Errorf("serve --targets started on a shadow file")
	} else {
		shown("serve's refusal at start", s.output())
	}

	fresh := fmRPC(fmFresh)(t, nil).url
	good := filepath.Join(dir, "good.yaml")
	if err := os.WriteFile(good, []byte(fmt.Sprintf("targets:\n  ok: {l2: %s}\n", fresh)), 0o600); err != nil {
		t.Fatal(err)
	}
	servedPath := filepath.Join(dir, "served.yaml")
	if err := os.Symlink(good, servedPath); err != nil {
		t.Fatal(err)
	}
	post := func(s *served) (int, string) {
		resp, err := http.Post(s.base+"/-/reload", "", nil)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(body)
	}
	retarget := func(to string) {
		if err := os.Remove(servedPath); err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink(to, servedPath); err != nil {
			t.Fatal(err)
		}
	}

	locked := startServe(t, "--targets", servedPath)
	retarget(shadow)
	if code, body := post(locked); code != http.StatusForbidden || !strings.Contains(body, "--enable-reload") {
		t.Errorf("POST /-/reload without --enable-reload: %d %q, want 403", code, body)
	}
	locked.cmd.Process.Signal(syscall.SIGHUP) // SIGHUP always reloads: here a refusal, warned of
	deadline := time.Now().Add(5 * time.Second)
	for !strings.Contains(locked.output(), "reload failed") && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond) // the warning is written by another process
	}
	if out := locked.output(); !strings.Contains(out, "reload failed, the previous 1 targets are kept: "+servedPath+":1: an unknown key at line 1") {
		t.Errorf("no warning about the shadow file on SIGHUP:\n%s", out)
	}
	shown("serve's warning on SIGHUP", locked.output())
	locked.stop(t, syscall.SIGTERM)

	retarget(good)
	open := startServe(t, "--targets", servedPath, "--enable-reload")
	retarget(shadow)
	code, body := post(open)
	if code != http.StatusInternalServerError || !strings.Contains(body, "an unknown key at line 1") {
		t.Errorf("POST /-/reload of the shadow file: %d %q, want 500 naming the line", code, body)
	}
	shown("POST /-/reload's answer", body)
	shown("serve's warning", open.output())
	if a := open.get(t, "/healthz?target=ok"); a.code != 200 {
		t.Errorf("after the refused reload the old target answers %d", a.code)
	}
	open.stop(t, syscall.SIGTERM)
}
