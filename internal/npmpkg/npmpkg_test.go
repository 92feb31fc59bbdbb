package npmpkg

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"testing"
)

func TestIntegrity(t *testing.T) {
	p := Package{Spec: "x@1", Integrity: "sha512-AAAA"}
	if err := p.CheckIntegrity([]byte("not the package")); err == nil {
		t.Fatal("a tarball with the wrong hash passed the integrity check")
	}
}

func TestUntarRejectsEscapingPaths(t *testing.T) {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	tw := tar.NewWriter(zw)
	body := []byte("x")
	if err := tw.WriteHeader(&tar.Header{Name: "package/../../evil", Mode: 0o644, Size: int64(len(body)), Typeflag: tar.TypeReg}); err != nil {
		t.Fatal(err)
	}
	_, _ = tw.Write(body)
	_ = tw.Close()
	_ = zw.Close()
	if err := Untar(buf.Bytes(), t.TempDir()); err == nil {
		t.Fatal("Untar accepted a path leaving its directory")
	}
}
