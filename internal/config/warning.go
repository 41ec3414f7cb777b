package config

import "fmt"

// Warning is a warning line for stderr: "warning: " and the formatted message.
func Warning(format string, a ...any) string {
	return "warning: " + fmt.Sprintf(format, a...)
}
