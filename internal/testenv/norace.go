//go:build !race

package testenv

// RaceDetector reports whether the tests were built with -race.
const RaceDetector = false
