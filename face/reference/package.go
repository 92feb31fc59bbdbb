// Package reference runs the JavaScript face-api (@vladmandic/face-api 1.7.15, tfjs
// bundled) in real headless Chromium and returns what it finds, so that the pure-Go
// face pipeline can be compared against the implementation its weights were made for.
//
// It is a test helper: it fetches the npm package with `npm pack` on first use (checked
// against the registry's sha512 and cached, see CacheDir), starts Chromium, and skips
// loudly (or fails under RAMPART_REQUIRE_ALL=1) when either is missing.
//
// The browser gets raw pixels decoded by Go (see Pixels), never encoded files, so a Go
// implementation fed the same image.Image starts from identical input. Inputs gives the
// standard image set (the package's demo photos and Go-made variants of sample1.jpg),
// and the output can be saved for comparison without a browser:
//
//	go test ./face/reference -run TestDump -args -dump=/tmp/ref.json
package reference

import (
	"testing"

	"github.com/rampart-id/rampart/internal/npmpkg"
)

const (
	// PackageSpec is the npm package the reference runs.
	PackageSpec = "@vladmandic/face-api@1.7.15"
	// PackageIntegrity is the registry's dist.integrity for PackageSpec. The tarball is
	// checked against it, so a changed or tampered package cannot silently move the
	// reference the Go implementation is judged by.
	PackageIntegrity = "sha512-WDMmK3CfNLo8jylWqMoQgf4nIst3M0fzx1dnac96wv/dvMTN4DxC/Pq1DGtduDk1lktCamQ3MIDXFnvrdHTXDw=="
)

// pkg is the face-api package, cached under RAMPART_FACEAPI_DIR or
// <user cache dir>/rampart/face-api-1.7.15.
var pkg = npmpkg.Package{
	Spec:      PackageSpec,
	Integrity: PackageIntegrity,
	Tarball:   "vladmandic-face-api-1.7.15.tgz",
	EnvDir:    "RAMPART_FACEAPI_DIR",
	CacheName: "face-api-1.7.15",
}

// CacheDir is where the package is kept.
func CacheDir() (string, error) { return pkg.CacheDir() }

// PackageDir returns the directory of the verified, extracted npm package (it holds
// dist/, model/ and demo/), downloading it with npm if it is not cached yet. It skips
// the test when npm is missing or cannot fetch the package.
func PackageDir(t testing.TB) string { return pkg.DirT(t) }

// errNPM marks failures that mean "npm cannot get the package here".
var errNPM = npmpkg.ErrNPM

func packageDir() (string, error) { return pkg.Dir() }
