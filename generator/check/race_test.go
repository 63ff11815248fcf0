//go:build race

package check_test

// raceEnabled: timings mean nothing under the race detector.
const raceEnabled = true
