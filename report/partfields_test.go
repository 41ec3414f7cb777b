package report

import (
	"reflect"
	"strings"

	"github.com/headprobe/headprobe/kind/conductor"
	"github.com/headprobe/headprobe/kind/rollupboost"
)

// partJSONFields are the JSON names the parts add to the document: their keys, the fields of
// every part, and the fields of rollup-boost's and op-conductor's details.
func partJSONFields() []string {
	names := []string{rollupboost.Role.Key(), conductor.Role.Key()}
	for _, v := range []any{Part{}, rollupboost.Doc{}, conductor.Doc{}} {
		rt := reflect.TypeOf(v)
		for i := range rt.NumField() {
			names = append(names, strings.Split(rt.Field(i).Tag.Get("json"), ",")[0])
		}
	}
	return names
}
