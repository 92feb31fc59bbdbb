package dbscan

import (
	"crypto/rand"
	"testing"
)

func TestMatchFindsAnyWindow(t *testing.T) {
	blob := make([]byte, 5000)
	_, _ = rand.Read(blob)
	cells := []Cell{
		{Table: "a", Column: "whole", Value: append([]byte("prefix"), blob[1234:1234+Window]...)},
		{Table: "b", Column: "short", Value: blob[3000 : 3000+Window-1]},
		{Table: "c", Column: "text", Value: []byte("Name: ANNA<MARIA")},
		{Table: "d", Column: "other", Value: make([]byte, 200)},
	}
	hits := Match(cells, Needles{Text: map[string]string{"mrz": "anna<maria"}, Blobs: map[string][]byte{"image": blob}})
	got := map[string]bool{}
	for _, h := range hits {
		got[h.Table] = true
	}
	if len(hits) != 2 || !got["a"] || !got["c"] {
		t.Fatalf("hits %v: want a (a 64-byte window) and c (text, any case) only", hits)
	}
}
