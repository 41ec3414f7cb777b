package cli

import "fmt"

// warning is a warning line for stderr: "warning: " and the formatted message.
func warning(format string, a ...any) string {
	return "warning: " + fmt.Sprintf(format, a...)
}
