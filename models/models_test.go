package models

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"strings"
	"testing"
)

func TestEmbeddedChecksums(t *testing.T) {
	if len(Files) != len(SHA256) {
		t.Fatalf("%d embedded files but %d checksums", len(Files), len(SHA256))
	}
	for name, data := range Files {
		want, ok := SHA256[name]
		if !ok {
			t.Errorf("%s: no checksum listed", name)
			continue
		}
		sum := sha256.Sum256(data)
		if got := hex.EncodeToString(sum[:]); got != want {
			t.Errorf("%s: sha256 %s, want %s", name, got, want)
		}
	}
}

// The README is the human-facing record of provenance; keep it in step.
func TestReadmeListsChecksums(t *testing.T) {
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	for name, sum := range SHA256 {
		if !strings.Contains(string(readme), sum+"  "+name) {
			t.Errorf("README.md does not list %q with sha256 %s", name, sum)
		}
	}
}
