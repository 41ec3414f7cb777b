// Package statefile keeps, between one-shot runs, where each endpoint's head last made progress,
// so that a run can judge progress at once instead of waiting out an --interval.
package statefile

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"regexp"
	"sync"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/headprobe/headprobe/check"
	"github.com/headprobe/headprobe/internal/fsx"
)

// version is the file format; a file of another version is ignored.
const version = 1

// maxSize bounds what Load reads: an entry is about 150 bytes, so 64 MiB is some 400,000
// endpoints, far more than a targets file of at most 4 MiB holds. A larger file of headprobe's is
// ignored with a warning, and replaced by Save.
const maxSize = 64 << 20

// header is how every state file starts, of any version: encoding/json writes the fields of file
// in order, so the file is told headprobe's by its first bytes alone, whatever its size. It is
// compiled on first use, not at every start-up.
var header = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^\{"version":[0-9]+,"tool":"headprobe"[,}]`) })

// file is the JSON document on disk.
type file struct {
	Version   int              `json:"version"`
	Tool      string           `json:"tool"`
	Endpoints map[string]entry `json:"endpoints"`
}

type entry struct {
	Number uint64      `json:"number"`
	Hash   common.Hash `json:"hash"`
	Since  time.Time   `json:"since"`
}

// Key names an endpoint in the file: its role and a digest of its URL, so that a file written for
// other endpoints is not mistaken for this one's and no URL (nor its credentials) is stored.
func Key(name, url string) string {
	sum := sha256.Sum256([]byte(url))
	return name + "/" + hex.EncodeToString(sum[:8])
}

// Load reads the marks of an earlier run. A missing file is a first run: no marks, no warning; so is
// an empty regular file (made beforehand, e.g. with install -m 600 /dev/null, for the permissions).
// A corrupt, foreign or unreadable file is ignored with a warning, never an error; when it is not
// headprobe's (it does not start with header), the warning also says that Save will leave it as it
// is. One of headprobe's, whatever its size, is replaced by Save.
func Load(path string) (marks map[string]check.Mark, warning string) {
	marks = map[string]check.Mark{}
	prefix, err := fsx.ReadOwnPrefix(path, fsx.PrefixSize)
	if errors.Is(err, fs.ErrNotExist) {
		return marks, ""
	}
	var refused *fsx.Refused
	if errors.As(err, &refused) {
		return marks, fmt.Sprintf("state file %s ignored and not written: %s, left as it is", path, refused.Reason)
	}
	if err != nil {
		return marks, fmt.Sprintf("state file %s ignored: %v", path, err)
	}
	if len(prefix) == 0 {
		return marks, ""
	}
	if !ours(prefix) {
		return marks, fmt.Sprintf("state file %s ignored and not written: is not a headprobe state file, left as it is", path)
	}
	data, err := fsx.ReadOwn(path, maxSize)
	if errors.As(err, &refused) { // headprobe's all the same: Save replaces it
		return marks, fmt.Sprintf("state file %s ignored (and rewritten): %s", path, refused.Reason)
	}
	if err != nil {
		return marks, fmt.Sprintf("state file %s ignored: %v", path, err)
	}
	f, ok := parse(data)
	if !ok {
		return marks, fmt.Sprintf("state file %s ignored (and rewritten): is corrupt", path)
	}
	if f.Version != version {
		return marks, fmt.Sprintf("state file %s ignored: version %d, want %d", path, f.Version, version)
	}
	for k, e := range f.Endpoints {
		marks[k] = check.Mark{Number: e.Number, Hash: e.Hash, Since: e.Since}
	}
	return marks, ""
}

// parse reads a state file of any version; ok is false when the data is not one.
func parse(data []byte) (f file, ok bool) {
	err := json.Unmarshal(data, &f)
	return f, err == nil && f.Tool == "headprobe"
}

// ours tells, by its first bytes, a file headprobe wrote, of any version and any size, which Save
// may replace: one that starts with header, or an empty one, made beforehand for its permissions.
func ours(prefix []byte) bool { return len(prefix) == 0 || header().Match(prefix) }

// Save writes the marks atomically: a temporary file in the same directory, then a rename, so a
// reader or a concurrent run sees either the old file or the new one, never a mix. It replaces
// only a headprobe state file: anything else at path is left as it is, with a *fsx.Refused.
func Save(path string, marks map[string]check.Mark) error {
	f := file{Version: version, Tool: "headprobe", Endpoints: map[string]entry{}}
	for k, m := range marks {
		f.Endpoints[k] = entry{Number: m.Number, Hash: m.Hash, Since: m.Since.UTC()}
	}
	data, err := json.Marshal(f)
	if err != nil {
		return err
	}
	return fsx.WriteAtomic(path, append(data, '\n'), 0o600, ours)
}
