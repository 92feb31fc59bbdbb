//go:build !js

package widget

import (
	"os/exec"
	"strings"
	"testing"
)

// TestWasmDependencies keeps heavy packages out of the WebAssembly build: net/http alone
// would add ~0.8 MB of brotli to the widget that every user waits for after the first screen (measured: see README, Design decisions).
func TestWasmDependencies(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go list")
	}
	cmd := exec.Command("go", "list", "-deps", "../cmd/widget")
	cmd.Env = append(cmd.Environ(), "GOOS=js", "GOARCH=wasm")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	for _, dep := range strings.Fields(string(out)) {
		for _, bad := range []string{"net/http", "connectrpc.com/", "google.golang.org/grpc", "html/template", "github.com/grpc-ecosystem/",
			// The face networks' weights (~7 MB) are fetched when the selfie step begins.
			"github.com/rampart-id/rampart/models",
			// The widget draws nothing secret: the server's CSPRNG picks the challenges.
			"crypto/rand"} {
			if dep == bad || strings.HasPrefix(dep, bad+"/") || (strings.HasSuffix(bad, "/") && strings.HasPrefix(dep, bad)) {
				t.Errorf("the widget links %s", dep)
			}
		}
	}
}
