// Package wasmbuild compiles the widget to WebAssembly and writes it precompressed
// (brotli and gzip) beside wasm_exec.js, ready for the server to embed or serve.
package wasmbuild

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/andybalholm/brotli"
)

// Package is the widget's main package.
const Package = "./wasm/cmd/widget"

// Sizes are the built widget's sizes in bytes.
type Sizes struct{ Raw, Gzip, Brotli int }

// Build compiles the widget from the module at root into outDir.
func Build(ctx context.Context, root, outDir string) (Sizes, error) {
	if err := os.MkdirAll(outDir, 0o755); err != nil {
		return Sizes{}, err
	}
	wasm := filepath.Join(outDir, "widget.wasm")
	cmd := exec.CommandContext(ctx, "go", "build", "-trimpath", "-ldflags=-s -w", "-o", wasm, Package)
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm")
	if out, err := cmd.CombinedOutput(); err != nil {
		return Sizes{}, fmt.Errorf("build widget: %v\n%s", err, out)
	}
	goroot, err := exec.CommandContext(ctx, "go", "env", "GOROOT").Output()
	if err != nil {
		return Sizes{}, err
	}
	execJS, err := os.ReadFile(filepath.Join(strings.TrimSpace(string(goroot)), "lib", "wasm", "wasm_exec.js"))
	if err != nil {
		return Sizes{}, err
	}
	if err := os.WriteFile(filepath.Join(outDir, "wasm_exec.js"), execJS, 0o644); err != nil {
		return Sizes{}, err
	}
	raw, err := os.ReadFile(wasm)
	if err != nil {
		return Sizes{}, err
	}
	var br, gz bytes.Buffer
	bw := brotli.NewWriterLevel(&br, brotli.BestCompression)
	if _, err := bw.Write(raw); err != nil {
		return Sizes{}, err
	}
	if err := bw.Close(); err != nil {
		return Sizes{}, err
	}
	gw, _ := gzip.NewWriterLevel(&gz, gzip.BestCompression)
	if _, err := gw.Write(raw); err != nil {
		return Sizes{}, err
	}
	if err := gw.Close(); err != nil {
		return Sizes{}, err
	}
	if err := os.WriteFile(wasm+".br", br.Bytes(), 0o644); err != nil {
		return Sizes{}, err
	}
	if err := os.WriteFile(wasm+".gz", gz.Bytes(), 0o644); err != nil {
		return Sizes{}, err
	}
	return Sizes{Raw: len(raw), Gzip: gz.Len(), Brotli: br.Len()}, nil
}
