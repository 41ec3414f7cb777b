package check

// Classed is an error that names its failure class (refused, timeout, http_status…), stable for
// JSON's error_class; the transport's failures implement it, so renderers need not import the
// transport.
type Classed interface {
	error
	FailureClass() string
}
