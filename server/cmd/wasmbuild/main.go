// Command wasmbuild builds the widget (Go → WebAssembly) precompressed into a directory.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"

	"github.com/rampart-id/rampart/server/embed/wasmbuild"
)

func main() {
	out := flag.String("out", "server/embed/static", "output directory")
	flag.Parse()
	s, err := wasmbuild.Build(context.Background(), ".", *out)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Printf("widget.wasm: %.2f MB raw, %.2f MB gzip, %.2f MB brotli\n", mb(s.Raw), mb(s.Gzip), mb(s.Brotli))
}

func mb(n int) float64 { return float64(n) / 1e6 }
