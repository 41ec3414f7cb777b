//go:build !race

package serve

// raceDetector is true under -race, which slows the soak tenfold: it then runs a tenth of the checks.
const raceDetector = false
