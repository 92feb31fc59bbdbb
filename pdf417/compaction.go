package pdf417

import (
	"math/big"
)

// Mode codewords.
const (
	cwText        = 900
	cwByte        = 901
	cwNumeric     = 902
	cwByteShift   = 913
	cwMacroOpt    = 923
	cwMacroEnd    = 922
	cwByte6       = 924
	cwECIUser     = 925
	cwECIGeneral  = 926
	cwECICharset  = 927
	cwMacroHeader = 928
)

// Text compaction sub-modes.
const (
	subUpper = iota
	subLower
	subMixed
	subPunct
)

const (
	mixedChars = "0123456789&\r\t,:#-.$/+%*=^"
	punctChars = ";<>@[\\]_`~!\r\t,:\n-.$/\"|*()?{}'"
)

// message turns the data codewords (after the length descriptor) into bytes. It starts
// in text compaction, upper case; a mode codeword ends the current segment. Macro and
// ECI codewords are skipped: the message is returned as bytes.
func message(cw []int) ([]byte, error) {
	var out []byte
	t := textState{}
	for i := 0; i < len(cw); {
		switch c := cw[i]; {
		case c < cwText:
			i = t.decode(cw, i, &out)
		case c == cwText:
			t = textState{}
			i = t.decode(cw, i+1, &out)
		case c == cwByte || c == cwByte6:
			var err error
			if i, err = bytesSegment(cw, i+1, c == cwByte6, &out); err != nil {
				return nil, err
			}
		case c == cwNumeric:
			var err error
			if i, err = numericSegment(cw, i+1, &out); err != nil {
				return nil, err
			}
		case c == cwByteShift:
			if i+1 >= len(cw) || cw[i+1] > 255 {
				return nil, ErrFormat
			}
			out = append(out, byte(cw[i+1]))
			i += 2
			// Text compaction resumes in the sub-mode it was in.
			i = t.decode(cw, i, &out)
		case c == cwECICharset || c == cwECIUser:
			i += 2
		case c == cwECIGeneral:
			i += 3
		case c == cwMacroHeader || c == cwMacroEnd:
			return out, nil // the macro control block ends the data
		case c == cwMacroOpt:
			i++
		default:
			return nil, ErrFormat
		}
	}
	return out, nil
}

// textState carries the sub-mode across a byte shift.
type textState struct {
	sub   int
	shift int // sub-mode of the next character only, or -1
	set   bool
}

func (t *textState) decode(cw []int, i int, out *[]byte) int {
	if !t.set {
		t.sub, t.shift, t.set = subUpper, -1, true
	}
	for ; i < len(cw) && cw[i] < cwText; i++ {
		t.value(cw[i]/30, out)
		t.value(cw[i]%30, out)
	}
	return i
}

func (t *textState) value(v int, out *[]byte) {
	mode := t.sub
	if t.shift >= 0 {
		mode, t.shift = t.shift, -1
	}
	switch mode {
	case subUpper, subLower:
		switch {
		case v < 26 && mode == subUpper:
			*out = append(*out, byte('A'+v))
		case v < 26:
			*out = append(*out, byte('a'+v))
		case v == 26:
			*out = append(*out, ' ')
		case v == 27 && mode == subUpper:
			t.sub = subLower
		case v == 27:
			t.shift = subUpper
		case v == 28:
			t.sub = subMixed
		case v == 29:
			t.shift = subPunct
		}
	case subMixed:
		switch {
		case v < 25:
			*out = append(*out, mixedChars[v])
		case v == 25:
			t.sub = subPunct
		case v == 26:
			*out = append(*out, ' ')
		case v == 27:
			t.sub = subLower
		case v == 28:
			t.sub = subUpper
		case v == 29:
			t.shift = subPunct
		}
	case subPunct:
		if v < 29 {
			*out = append(*out, punctChars[v])
		} else {
			t.sub = subUpper
		}
	}
}

// bytesSegment reads byte compaction: five codewords hold six bytes, base 900 to base
// 256. After 901 the final group (one to five bytes) is one codeword per byte even
// when it has five; after 924 every group of five is compacted.
func bytesSegment(cw []int, i int, all6 bool, out *[]byte) (int, error) {
	j := i
	for j < len(cw) && cw[j] < cwText {
		j++
	}
	seg := cw[i:j]
	for len(seg) >= 5 && (all6 || len(seg) > 5) {
		var v uint64
		for _, c := range seg[:5] {
			v = v*900 + uint64(c)
		}
		if v >= 1<<48 {
			return 0, ErrFormat
		}
		for s := 40; s >= 0; s -= 8 {
			*out = append(*out, byte(v>>s))
		}
		seg = seg[5:]
	}
	for _, c := range seg {
		if c > 255 {
			return 0, ErrFormat
		}
		*out = append(*out, byte(c))
	}
	return j, nil
}

// numericSegment reads numeric compaction: groups of up to 15 codewords are a base 900
// number whose decimal digits, after a leading 1, are the message.
func numericSegment(cw []int, i int, out *[]byte) (int, error) {
	j := i
	for j < len(cw) && cw[j] < cwText {
		j++
	}
	n900 := big.NewInt(900)
	for g := i; g < j; g += 15 {
		v := new(big.Int)
		for _, c := range cw[g:min(g+15, j)] {
			v.Mul(v, n900)
			v.Add(v, big.NewInt(int64(c)))
		}
		s := v.String()
		if len(s) < 2 || s[0] != '1' {
			return 0, ErrFormat
		}
		*out = append(*out, s[1:]...)
	}
	return j, nil
}
