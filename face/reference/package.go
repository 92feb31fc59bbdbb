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

const (
	// PackageSpec is the npm package the reference runs.
	PackageSpec = "@vladmandic/face-api@1.7.15"
	// PackageIntegrity is the registry's dist.integrity for PackageSpec. The tarball is
	// checked against it, so a changed or tampered package cannot silently move the
	// reference the Go implementation is judged by.
	PackageIntegrity = "sha512-WDMmK3CfNLo8jylWqMoQgf4nIst3M0fzx1dnac96wv/dvMTN4DxC/Pq1DGtduDk1lktCamQ3MIDXFnvrdHTXDw=="

	tarballName = "vladmandic-face-api-1.7.15.tgz"
	// doneMarker is written last into an extracted tree; a tree without it is a
	// half-finished extraction and is redone.
	doneMarker = ".rampart-verified"
)

// CacheDir is where the package is kept: RAMPART_FACEAPI_DIR, or
// <user cache dir>/rampart/face-api-1.7.15.
func CacheDir() (string, error) {
	if d := os.Getenv("RAMPART_FACEAPI_DIR"); d != "" {
		return d, nil
	}
	base, err := os.UserCacheDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(base, "rampart", "face-api-1.7.15"), nil
}

// PackageDir returns the directory of the verified, extracted npm package (it holds
// dist/, model/ and demo/), downloading it with npm if it is not cached yet. It skips
// the test when npm is missing or cannot fetch the package.
func PackageDir(t testing.TB) string {
	t.Helper()
	dir, err := packageDir()
	if errors.Is(err, errNPM) {
		testenv.Skip(t, "%v", err)
	}
	if err != nil {
		t.Fatalf("face-api package: %v", err)
	}
	return dir
}

// errNPM marks failures that mean "npm cannot get the package here", which skip
// rather than fail.
var errNPM = errors.New("cannot fetch the face-api package")

func packageDir() (string, error) {
	cache, err := CacheDir()
	if err != nil {
		return "", err
	}
	pkg := filepath.Join(cache, "package")
	if b, err := os.ReadFile(filepath.Join(pkg, doneMarker)); err == nil && string(b) == PackageIntegrity {
		return pkg, nil
	}
	if err := os.MkdirAll(cache, 0o755); err != nil {
		return "", err
	}
	tgz := filepath.Join(cache, tarballName)
	data, err := os.ReadFile(tgz)
	if err != nil || checkIntegrity(data) != nil {
		if data, err = npmPack(cache); err != nil {
			return "", err
		}
		if err := checkIntegrity(data); err != nil {
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
	if err := untar(data, tmp); err != nil {
		return "", fmt.Errorf("extract %s: %w", tarballName, err)
	}
	if err := os.WriteFile(filepath.Join(tmp, "package", doneMarker), []byte(PackageIntegrity), 0o644); err != nil {
		return "", err
	}
	if b, err := os.ReadFile(filepath.Join(pkg, doneMarker)); err == nil && string(b) == PackageIntegrity {
		return pkg, nil // another process finished first; never remove a tree in use
	}
	_ = os.RemoveAll(pkg) // an unverified leftover
	if err := os.Rename(filepath.Join(tmp, "package"), pkg); err != nil {
		// Another process may have won the race; its tree is as good as ours.
		if b, err2 := os.ReadFile(filepath.Join(pkg, doneMarker)); err2 == nil && string(b) == PackageIntegrity {
			return pkg, nil
		}
		return "", err
	}
	return pkg, nil
}

// npmPack asks npm for the tarball. npm is used (not a hand-made HTTP fetch) so that the
// user's registry, proxy and cache settings apply.
func npmPack(dir string) ([]byte, error) {
	npm, err := exec.LookPath("npm")
	if err != nil {
		return nil, fmt.Errorf("%w: npm not found (install Node.js/npm, or put %s from the registry into %s)", errNPM, tarballName, dir)
	}
	tmp, err := os.MkdirTemp(dir, "pack-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, npm, "pack", PackageSpec, "--pack-destination", tmp, "--silent")
	cmd.Dir = tmp // outside any project, so no package.json of ours is consulted
	out, err := cmd.CombinedOutput()
	if err != nil {
		return nil, fmt.Errorf("%w: npm pack %s failed: %v\n%s", errNPM, PackageSpec, err, out)
	}
	data, err := os.ReadFile(filepath.Join(tmp, tarballName))
	if err != nil {
		return nil, fmt.Errorf("%w: npm pack %s wrote no %s: %v\n%s", errNPM, PackageSpec, tarballName, err, out)
	}
	return data, nil
}

func checkIntegrity(data []byte) error {
	sum := sha512.Sum512(data)
	got := "sha512-" + base64.StdEncoding.EncodeToString(sum[:])
	if got != PackageIntegrity {
		return fmt.Errorf("%s tarball integrity %s, want %s", PackageSpec, got, PackageIntegrity)
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

// untar extracts regular files and directories only; any path leaving dst is an error.
func untar(data []byte, dst string) error {
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
