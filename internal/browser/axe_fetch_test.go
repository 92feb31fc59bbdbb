package browser

import (
	"strings"
	"testing"
)

func TestAxeSourceIsTheEngine(t *testing.T) {
	if testing.Short() {
		t.Skip("fetches an npm package")
	}
	if src := AxeSource(t); !strings.Contains(src, "4.10.3") {
		t.Fatal("axe.min.js is not axe-core 4.10.3")
	}
}
