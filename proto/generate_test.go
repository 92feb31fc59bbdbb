// Package proto_test checks that the committed gen/ is what `make generate` produces.
package proto_test

import (
	"bytes"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

func TestGeneratedCodeIsFresh(t *testing.T) {
	if testing.Short() && os.Getenv("RAMPART_CHECK_GENERATE") == "" {
		t.Skip("generation check skipped in -short mode")
	}
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	out := t.TempDir()
	for _, args := range [][]string{
		{"generate", "-o", out},
		{"generate", "-o", out, "--template", "buf.gen.gateway.yaml", "--path", "proto/rampart/partner"},
	} {
		cmd := exec.Command("go", append([]string{"tool", "-modfile=tools/go.mod", "buf"}, args...)...)
		cmd.Dir = root
		if b, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("buf %v: %v\n%s", args, err, b)
		}
	}
	want := readTree(t, filepath.Join(out, "gen"))
	got := readTree(t, filepath.Join(root, "gen"))
	for name, w := range want {
		if g, ok := got[name]; !ok {
			t.Errorf("gen/%s is missing: run `make generate`", name)
		} else if !bytes.Equal(g, w) {
			t.Errorf("gen/%s is stale: run `make generate`", name)
		}
	}
	for name := range got {
		if _, ok := want[name]; !ok {
			t.Errorf("gen/%s is not generated from proto/: remove it or run `make generate`", name)
		}
	}
}

func readTree(t *testing.T, dir string) map[string][]byte {
	files := map[string][]byte{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		rel, _ := filepath.Rel(dir, p)
		files[rel] = b
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}
