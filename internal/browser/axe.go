package browser

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/rampart-id/rampart/internal/npmpkg"
)

// axePackage is the accessibility engine the widget's pages are checked with.
var axePackage = npmpkg.Package{
	Spec:      "axe-core@4.10.3",
	Integrity: "sha512-Xm7bpRXnDSX2YE2YFfBk2FnF0ep6tmG7xPh8iHee8MIcrgq762Nkce856dYtJYLkuIoYZvGfTs/PbZhideTcEg==",
	Tarball:   "axe-core-4.10.3.tgz",
	EnvDir:    "RAMPART_AXE_DIR",
	CacheName: "axe-core-4.10.3",
}

// AxeSource returns axe-core's browser bundle (axe.min.js), fetched with npm on first
// use; the test skips loudly when npm cannot get it.
func AxeSource(t testing.TB) string {
	t.Helper()
	dir := axePackage.DirT(t)
	b, err := os.ReadFile(filepath.Join(dir, "axe.min.js"))
	if err != nil {
		t.Fatalf("axe-core: %v", err)
	}
	return string(b)
}
