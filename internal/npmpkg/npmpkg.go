// Package npmpkg fetches a pinned npm package for tests and tools: `npm pack` (so the
// user's registry, proxy and cache settings apply), checked against the registry's
// sha512 integrity, extracted once into a cache shared by test processes.
package npmpkg

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha512"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rampart-id/rampart/internal/testenv"
)

// Package is one pinned npm package.
type Package struct {
	// Spec is what npm pack is asked for, e.g. "axe-core@4.10.3".
	Spec string
	// Integrity is the registry's dist.integrity for Spec. The tarball is checked against
	// it, so a changed or tampered package cannot silently change what a test runs.
	Integrity string
	// Tarball is the file name npm pack writes, e.g. "axe-core-4.10.3.tgz".
	Tarball string
	// EnvDir, when set, names an environment variable that overrides the cache directory.
	EnvDir string
	// CacheName is the directory under <user cache dir>/rampart, e.g. "axe-core-4.10.3".
	CacheName string
}

// ErrNPM marks failures that mean "npm cannot get the package here"; tests skip on them
// rather than fail (unless RAMPART_REQUIRE_ALL=1).
var ErrNPM = errors.New("cannot fetch the npm package")

// doneMarker is written last into an extracted tree; a tree without it is a
// half-finished extraction and is redone.
const doneMarker = ".rampart-verified"

// CacheDir is where the package is kept: $EnvDir, or <user cache dir>/rampart/CacheName.
func (p Package) CacheDir() (string, error) {
	if p.EnvDir != "" {
		if d := os.Getenv(p.EnvDir); d != "" {
			return d, nil
		}
	}
	base, err := os.UserCacheDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(base, "rampart", p.CacheName), nil
}

// DirT returns the extracted package directory for a test, skipping it (loudly) when
// npm cannot fetch the package here.
func (p Package) DirT(t testing.TB) string {
	t.Helper()
	dir, err := p.Dir()
	if errors.Is(err, ErrNPM) {
		testenv.Skip(t, "%v", err)
	}
	if err != nil {
		t.Fatalf("%s: %v", p.Spec, err)
	}
	return dir
}

// Dir returns the directory of the verified, extracted package (npm's "package/"
// folder), downloading it with npm if it is not cached yet.
func (p Package) Dir() (string, error) {
	cache, err := p.CacheDir()
	if err != nil {
		return "", err
	}
	pkg := filepath.Join(cache, "package")
	if p.verified(pkg) {
		return pkg, nil
	}
	if err := os.MkdirAll(cache, 0o755); err != nil {
		return "", err
	}
	tgz := filepath.Join(cache, p.Tarball)
	data, err := os.ReadFile(tgz)
	if err != nil || p.CheckIntegrity(data) != nil {
		if data, err = p.pack(cache); err != nil {
			return "", err
		}
		if err := p.CheckIntegrity(data); err != nil {
			return "", err
		}
		if err := writeAtomic(tgz, data); err != nil {
			return "", err
		}
	}
	// Extract next to the final place and rename, so a concurrent test process never
	// sees a partial tree under pkg.
	tmp, err := os.MkdirTemp(cache, "extract-")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(tmp)
	if err := Untar(data, tmp); err != nil {
		return "", fmt.Errorf("extract %s: %w", p.Tarball, err)
	}
	if err := os.WriteFile(filepath.Join(tmp, "package", doneMarker), []byte(p.Integrity), 0o644); err != nil {
		return "", err
	}
	if p.verified(pkg) {
		return pkg, nil // another process finished first; never remove a tree in use
	}
	_ = os.RemoveAll(pkg) // an unverified leftover
	if err := os.Rename(filepath.Join(tmp, "package"), pkg); err != nil {
		// Another process may have won the race; its tree is as good as ours.
		if p.verified(pkg) {
			return pkg, nil
		}
		return "", err
	}
	return pkg, nil
}

func (p Package) verified(pkg string) bool {
	b, err := os.ReadFile(filepath.Join(pkg, doneMarker))
	return err == nil && string(b) == p.Integrity
}

// pack asks npm for the tarball. npm is used (not a hand-made HTTP fetch) so that the
// user's registry, proxy and cache settings apply.
func (p Package) pack(dir string) ([]byte, error) {
	npm, err := exec.LookPath("npm")
	if err != nil {
		return nil, fmt.Errorf("%w: npm not found (install Node.js/npm, or put %s from the registry into %s)", ErrNPM, p.Tarball, dir)
	}
	tmp, err := os.MkdirTemp(dir, "pack-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, npm, "pack", p.Spec, "--pack-destination", tmp, "--silent")
	cmd.Dir = tmp // outside any project, so no package.json of ours is consulted
	out, err := cmd.CombinedOutput()
	if err != nil {
		return nil, fmt.Errorf("%w: npm pack %s failed: %v\n%s", ErrNPM, p.Spec, err, out)
	}
	data, err := os.ReadFile(filepath.Join(tmp, p.Tarball))
	if err != nil {
		return nil, fmt.Errorf("%w: npm pack %s wrote no %s: %v\n%s", ErrNPM, p.Spec, p.Tarball, err, out)
	}
	return data, nil
}

// CheckIntegrity reports whether data is the tarball the registry's integrity names.
func (p Package) CheckIntegrity(data []byte) error {
	sum := sha512.Sum512(data)
	got := "sha512-" + base64.StdEncoding.EncodeToString(sum[:])
	if got != p.Integrity {
		return fmt.Errorf("%s tarball integrity %s, want %s", p.Spec, got, p.Integrity)
	}
	return nil
}

func writeAtomic(name string, data []byte) error {
	f, err := os.CreateTemp(filepath.Dir(name), ".tmp-")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(f.Name(), name)
}

// Untar extracts a gzipped tarball's regular files and directories only; any path
// leaving dst is an error.
func Untar(data []byte, dst string) error {
	zr, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		return err
	}
	tr := tar.NewReader(zr)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		name := path.Clean(strings.TrimPrefix(h.Name, "./"))
		if path.IsAbs(name) || name == ".." || strings.HasPrefix(name, "../") {
			return fmt.Errorf("unsafe path %q in tarball", h.Name)
		}
		target := filepath.Join(dst, filepath.FromSlash(name))
		switch h.Typeflag {
		case tar.TypeDir:
			if err := os.MkdirAll(target, 0o755); err != nil {
				return err
			}
		case tar.TypeReg:
			if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
				return err
			}
			f, err := os.OpenFile(target, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o644)
			if err != nil {
				return err
			}
			_, err = io.Copy(f, tr)
			if cerr := f.Close(); err == nil {
				err = cerr
			}
			if err != nil {
				return err
			}
		}
	}
}
