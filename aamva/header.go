package aamva

import (
	"bytes"
	"strconv"
)

// header is the record's header after the compliance indicator.
type header struct {
	iin        string
	version    int
	end        int // offset of the first byte after the subfile designators
	designator []designator
}

type designator struct {
	kind           string
	offset, length int
}

// parseHeader finds "ANSI" (or the pre-standard "AAMVA") near the start rather than
// insisting on the exact compliance indicator, whose separators are often mangled,
// and reads issuer, version and the designators. Version 1 had no jurisdiction
// version field, but some version 1 cards carry one anyway: both layouts are tried.
func parseHeader(data []byte) (header, bool) {
	var h header
	head := data[:min(len(data), 64)]
	i := bytes.Index(head, []byte("ANSI"))
	n := 4
	if i < 0 {
		i, n = bytes.Index(head, []byte("AAMVA")), 5
	}
	if i < 0 {
		return h, false
	}
	p := i + n
	if p < len(data) && data[p] == ' ' {
		p++
	}
	if _, ok := digits(data, p, 6); !ok {
		return h, false
	}
	h.iin = string(data[p : p+6])
	ver, ok := digits(data, p+6, 2)
	if !ok {
		return h, false
	}
	h.version = ver
	p += 8
	layouts := []int{2, 0} // length of the jurisdiction version field
	if ver <= 1 {
		layouts = []int{0, 2}
	}
	for _, jur := range layouts {
		if d, end, ok := designators(data, p+jur); ok {
			h.designator, h.end = d, end
			return h, true
		}
	}
	// No readable designators: the subfile is searched for instead.
	h.end = p
	return h, true
}

func designators(data []byte, p int) ([]designator, int, bool) {
	count, ok := digits(data, p, 2)
	if !ok || count == 0 {
		return nil, 0, false
	}
	p += 2
	var ds []designator
	for k := 0; k < count; k++ {
		if p+10 > len(data) || !upper(data[p]) || !(upper(data[p+1]) || isDigit(data[p+1])) {
			return nil, 0, false
		}
		off, ok1 := digits(data, p+2, 4)
		length, ok2 := digits(data, p+6, 4)
		if !ok1 || !ok2 {
			return nil, 0, false
		}
		ds = append(ds, designator{kind: string(data[p : p+2]), offset: off, length: length})
		p += 10
	}
	return ds, p, true
}

// subfile returns the type and body (after the two-letter type) of the DL or ID
// subfile. The designator's offset is used when the type is found there; otherwise the
// type is searched for after the header, since offsets are often off by the
// separators an issuer added or left out.
func subfile(data []byte, h header) (string, []byte) {
	for _, d := range h.designator {
		if d.kind != "DL" && d.kind != "ID" {
			continue
		}
		if d.offset >= h.end && d.offset+2 <= len(data) && string(data[d.offset:d.offset+2]) == d.kind {
			end := min(len(data), d.offset+max(d.length, 2))
			return d.kind, data[d.offset+2 : end]
		}
		if i := findSubfile(data[h.end:], d.kind); i >= 0 {
			return d.kind, data[h.end+i+2:]
		}
	}
	// Designators unreadable or wrong: take whichever subfile appears first.
	best, kind := -1, ""
	for _, k := range []string{"DL", "ID"} {
		if i := findSubfile(data[h.end:], k); i >= 0 && (best < 0 || i < best) {
			best, kind = i, k
		}
	}
	if best < 0 {
		// Some issuers drop the type in front of the subfile: trust the designator.
		for _, d := range h.designator {
			if d.kind == "DL" || d.kind == "ID" {
				return d.kind, data[h.end:]
			}
		}
		return "", nil
	}
	return kind, data[h.end+best+2:]
}

// findSubfile finds a subfile type followed by a data element identifier ("DLDAQ").
func findSubfile(b []byte, kind string) int {
	for off := 0; ; {
		i := bytes.Index(b[off:], []byte(kind))
		if i < 0 {
			return -1
		}
		j := off + i
		if j+5 <= len(b) && b[j+2] == 'D' && upper(b[j+3]) && upper(b[j+4]) {
			return j
		}
		off = j + 1
	}
}

// elements splits a subfile body into its data elements. LF is the separator, but CR
// and the other ASCII separators are accepted too; the first occurrence of an element
// wins, so a later subfile cannot override it.
func elements(body []byte) map[string]string {
	el := map[string]string{}
	for _, f := range bytes.FieldsFunc(body, func(r rune) bool {
		return r == '\n' || r == '\r' || r == 0x1e || r == 0x1c || r == 0x1d || r == 0x1f
	}) {
		if len(f) < 3 || f[0] != 'D' || !upper(f[1]) || !upper(f[2]) {
			continue
		}
		id := string(f[:3])
		if _, seen := el[id]; !seen {
			el[id] = string(bytes.TrimSpace(f[3:]))
		}
	}
	return el
}

func digits(b []byte, p, n int) (int, bool) {
	if p < 0 || p+n > len(b) {
		return 0, false
	}
	for _, c := range b[p : p+n] {
		if !isDigit(c) {
			return 0, false
		}
	}
	v, err := strconv.Atoi(string(b[p : p+n]))
	return v, err == nil
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }
func upper(c byte) bool   { return c >= 'A' && c <= 'Z' }
