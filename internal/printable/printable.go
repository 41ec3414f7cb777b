// Package printable makes text from servers and files safe to print on one line: reasons, log
// lines and refusals all go through OneLine.
package printable

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// OneLine folds text onto one line and makes it printable: white space runs, line breaks included,
// become one space; invalid UTF-8 and control characters (a hostile server's terminal escapes)
// become U+FFFD.
func OneLine(s string) string {
	return strings.Join(strings.Fields(Printable(s)), " ")
}

// Printable makes server-supplied text safe to show: invalid UTF-8 and control characters (a
// terminal escape sequence from a hostile server, say) become U+FFFD; white space stays.
func Printable(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) || unicode.IsPrint(r) {
			return r
		}
		return utf8.RuneError
	}, strings.ToValidUTF8(s, string(utf8.RuneError)))
}
