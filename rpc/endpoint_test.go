package rpc

import (
	"os"
	"strings"
	"testing"
	"time"
)

func TestValidateURL(t *testing.T) {
	for _, tc := range []struct {
		url  string
		want []string // error substrings; nil when the URL is accepted
	}{
		{"http://127.0.0.1:8545", nil},
		{"http://localhost:8545/", nil},
		{"https://mainnet.example.org/v3/0123456789abcdef0123456789abcdef", nil},
		{"http://[::1]:8545", nil},
		{"HTTP://127.0.0.1:8545", nil}, // schemes are case-insensitive
		{"ws://127.0.0.1:8546", nil},
		{"wss://node.example.org:443/ws", nil},
		{"http://user:pass@node.example.org:8545/?apikey=x", nil},
		{"/abs/ipc", nil},
		{"/var/run/geth/geth.ipc", nil},

		{"", []string{"is empty"}},
		{"127.0.0.1:8545", []string{"has no scheme", "did you mean http://127.0.0.1:8545 ?"}},
		{"localhost:8545", []string{"has no scheme", "did you mean http://localhost:8545 ?"}},
		{"localhost:8545/rpc", []string{"did you mean http://localhost:8545/rpc ?"}},
		{"[::1]:8545", []string{"did you mean http://"}},
		{"ftp://node.example.org/", []string{`unsupported scheme "ftp"`}},
		{"unix:///var/run/geth.ipc", []string{`unsupported scheme "unix"`}},
		{"geth.ipc", []string{"neither a URL", "absolute IPC socket path"}},
		{"./geth.ipc", []string{"neither a URL", "absolute IPC socket path"}},
		{"data/geth.ipc", []string{"neither a URL"}},
		{"localhost", []string{"neither a URL"}},
		{"http://", []string{"has no host"}},
		{"http:///path", []string{"has no host"}},
		{"http://host:8545/ path", []string{"white space"}},
		{" http://127.0.0.1:8545", []string{"white space"}},
		{"http://127.0.0.1:8545\n", []string{"white space"}},
		{"http://[::1", []string{"is not a valid URL"}},
		{"http://127.0.0.1:port", []string{"is not a valid URL"}},
		// What the dialer would refuse without any I/O (issue #8).
		{"http://127.0.0.1:99999", []string{"has port 99999, want 1 to 65535"}},
		{"http://127.0.0.1:65536/", []string{"has port 65536"}},
		{"ws://127.0.0.1:0", []string{"has port 0"}},
		{"http://127.0.0.1:65535", nil},
		{"http://127.0.0.1:08545", nil},
		{"http://host:/", nil}, // an empty port is the scheme's
		{"http://:8545", []string{"has no host name"}},
		{"http://::1:8545", []string{"IPv6 address needs brackets"}},
		{"http://[fe80::1%25eth0]:8545/", nil},
		{"http://[1.2.3.4]:8545/", []string{"is not a valid URL"}},
		{"http://ex<a>mple:8545/", []string{"invalid host name"}},
		{"http://bücher.example/", []string{"invalid host name"}},
	} {
		t.Run(tc.url, func(t *testing.T) {
			err := ValidateURL(tc.url)
			if tc.want == nil {
				if err != nil {
					t.Fatalf("error %v", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("accepted, want an error containing %q", tc.want)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
		})
	}
}

// An address refused by ValidateURL is shown redacted in the error.
func TestValidateURLErrorsHideSecrets(t *testing.T) {
	const (
		password = "hunter2pw"
		key      = "SECRETKEY123"
		pathKey  = "0123456789abcdef0123456789abcdef"
	)
	for _, url := range []string{
		"ftp://alice:" + password + "@node.example.org/?apikey=" + key,
		"ftp://node.example.org/v3/" + pathKey,
		"alice:" + password + "@127.0.0.1:8545",
		"127.0.0.1:8545/?apikey=" + key,
		"127.0.0.1:8545/v3/" + pathKey,
		"http://alice:" + password + "@node.example.org:port/?apikey=" + key,
		"http://alice:" + password + "@node.example.org/ ?apikey=" + key,
		"http://alice:" + password + "@[::1/?apikey=" + key,
		"http://alice:" + password + "@/?apikey=" + key,
		"http://alice:" + password + "@node.example.org:8545\n?apikey=" + key,
		"node.example.org/?apikey=" + key,
		"http://node.example.org:port/v3/" + pathKey,
		"http://127.0.0.1:8545/v3/" + pathKey + "%", // issue #8: a stray % after the key
		"http://127.0.0.1:99999/v3/" + pathKey,
	} {
		t.Run(url, func(t *testing.T) {
			err := ValidateURL(url)
			if err == nil {
				t.Fatal("accepted")
			}
			for _, s := range []string{password, key, pathKey} {
				if strings.Contains(err.Error(), s) {
					t.Errorf("error %q shows %q", err, s)
				}
			}
		})
	}
}

func TestRedact(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"http://127.0.0.1:8545", "http://127.0.0.1:8545"},
		{"http://127.0.0.1:8545/", "http://127.0.0.1:8545/"},
		{"http://alice:hunter2@127.0.0.1:8545", "http://REDACTED@127.0.0.1:8545"},
		{"http://alice@127.0.0.1:8545", "http://REDACTED@127.0.0.1:8545"},
		{"http://127.0.0.1:8545/?apikey=SECRET&x=1", "http://127.0.0.1:8545/?REDACTED"},
		{"https://mainnet.infura.io/v3/0123456789abcdef0123456789abcdef", "https://mainnet.infura.io/v3/REDACTED"},
		{"wss://mainnet.infura.io/ws/v3/0123456789abcdef0123456789abcdef", "wss://mainnet.infura.io/ws/v3/REDACTED"},
		{"https://eth-mainnet.g.alchemy.com/v2/Abc_DEF-ghiJKLmnoPQRstu", "https://eth-mainnet.g.alchemy.com/v2/REDACTED"},
		{"https://node.example.org/rpc/eth", "https://node.example.org/rpc/eth"},
		{"https://u:p@node.example.org/v3/0123456789abcdef0123456789abcdef?k=v#frag", "https://REDACTED@node.example.org/v3/REDACTED?REDACTED"},
		{"http://node.example.org/#fragment-secret", "http://node.example.org/"},
		{"/var/run/geth.ipc", "/var/run/geth.ipc"},
		{"/abs/ipc", "/abs/ipc"},
		{"alice:hunter2@127.0.0.1:8545", "REDACTED@127.0.0.1:8545"},
		{"127.0.0.1:8545/?apikey=SECRET", "127.0.0.1:8545/?REDACTED"},
		// Not parseable as a URL: API-key-like path segments are still hidden.
		{"127.0.0.1:8545/v3/0123456789abcdef0123456789abcdef", "127.0.0.1:8545/v3/REDACTED"},
		{"http://node.example.org:port/v3/0123456789abcdef0123456789abcdef", "http://node.example.org:port/v3/REDACTED"},
		{"http://a:b@node.example.org:port/v3/0123456789abcdef0123456789abcdef?k=v", "REDACTED@node.example.org:port/v3/REDACTED?REDACTED"},
		// Unparseable (a control character): an @ in the query must not uncover the query.
		{"http://a:hunter2pw@host/\x1e?apikey=SE@CRETKEY123&x=100000", "REDACTED?REDACTED"},
		{"http://a:pa?ss@host:port/", "REDACTED?REDACTED"},
		// Issue #8: a key with junk after it, in a URL that does not parse, is hidden too; the host is not a key.
		{"http://127.0.0.1:8545/v1/9aa3d95b3bc440fa88ea12eaa4456161%", "http://127.0.0.1:8545/v1/REDACTED"},
		{"http://archive-node-eu-west-1-primary.example.org:port/v1/9aa3d95b3bc440fa88ea12eaa4456161%zz", "http://archive-node-eu-west-1-primary.example.org:port/v1/REDACTED"},
		{"https://node.example.org/v1/9aa3d95b3bc440fa88ea12eaa4456161.json", "https://node.example.org/v1/REDACTED"},
		// Issue #18: matrix parameters, and every path segment not on the short list of plain words.
		{"http://host/x;apikey=topsecret", "http://host/REDACTED"},
		{"http://host/rpc;apikey=topsecret", "http://host/rpc;REDACTED"},
		{"http://host/rpc;apikey=topsecret/eth", "http://host/rpc;REDACTED/eth"},
		{"http://host/rpc/mysecrettoken", "http://host/rpc/REDACTED"},
		{"https://host/v2/AbCdEf1234", "https://host/v2/REDACTED"},
		{"https://host/RPC/abc", "https://host/REDACTED/REDACTED"},
		{"http://127.0.0.1:8081/healthz", "http://127.0.0.1:8081/healthz"},
		{"http://127.0.0.1:8545/rpc/", "http://127.0.0.1:8545/rpc/"},
		{"ws://127.0.0.1:1111/ws", "ws://127.0.0.1:1111/ws"},
		{"http://host/a%2Fb/rpc", "http://host/REDACTED/rpc"},
		{"http://node.example.org:port/rpc/mysecrettoken", "http://node.example.org:port/rpc/REDACTED"},
		{"127.0.0.1:8545/x;apikey=topsecret", "127.0.0.1:8545/REDACTED"},
		{"127.0.0.1:8545/v2/AbCdEf1234?k=v", "127.0.0.1:8545/v2/REDACTED?REDACTED"},
		{"", ""},
	} {
		t.Run(tc.in, func(t *testing.T) {
			if got := Redact(tc.in); got != tc.want {
				t.Errorf("Redact(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

func TestValidateURL_DoubleSlashIsNotAnIPCPath(t *testing.T) {
	err := ValidateURL("//user:pa55word@host:8545/?apikey=Q5ecret")
	if err == nil {
		t.Fatal("a scheme-less URL was taken for an IPC socket path")
	}
	if strings.Contains(err.Error(), "pa55word") || strings.Contains(err.Error(), "Q5ecret") {
		t.Errorf("error shows a secret: %v", err)
	}
}

func TestTLSFiles_RefuseWhatIsNotARegularFile(t *testing.T) {
	for _, files := range []TLSFiles{{CA: "/dev/stdin"}, {CA: t.TempDir()}, {Cert: "/dev/zero", Key: "/dev/zero"}} {
		done := make(chan error, 1)
		go func() { _, err := files.Config(); done <- err }()
		select {
		case err := <-done:
			if err == nil || !strings.Contains(err.Error(), "not a regular file") {
				t.Errorf("%+v: %v", files, err)
			}
		case <-time.After(2 * time.Second):
			t.Fatalf("%+v: reading blocked", files)
		}
	}
	if _, err := (TLSFiles{Cert: "/x"}).Config(); err == nil || !strings.Contains(err.Error(), "--tls-cert needs --tls-key") {
		t.Errorf("cert without key: %v", err)
	}
}

// TestPlainPathWords_AreTheREADMEs: the README lists exactly the path words shown as typed.
func TestPlainPathWords_AreTheREADMEs(t *testing.T) {
	raw, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	words := make([]string, len(PlainPathWords))
	for i, w := range PlainPathWords {
		words[i] = "`" + w + "`"
	}
	list := "not one of these plain words replaced by `REDACTED`: " + strings.Join(words, ", ") + " (exact, lower case)"
	if !strings.Contains(strings.Join(strings.Fields(string(raw)), " "), list) {
		t.Errorf("README.md lacks the list %q", list)
	}
}
