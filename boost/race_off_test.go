//go:build !race

package boost

// raceEnabled reports whether the tests run under the race detector.
const raceEnabled = false
