// Package config owns the flags: the flag table (the wiring's own flags and every registered
// kind's), each flag's value layered command line > environment > targets file > default, the
// targets file, the warnings about flags and variables, and the validation that turns them into
// a plain Config, with each kind configured through the registry. It does no I/O but reading
// the files the flags name.
package config
