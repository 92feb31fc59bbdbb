package aamva

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func day(y, m, d int) time.Time { return time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC) }

func TestEncodeParseRoundTrip(t *testing.T) {
	for _, l := range []Licence{
		{Kind: "DL", Country: "USA", State: "CA", Number: "D1234567", Surname: "SAMPLE",
			GivenNames: "JANE QUINN ANN", BirthDate: day(1981, 3, 5), ExpiryDate: day(2030, 7, 1),
			IssueDate: day(2022, 7, 1), Sex: "F"},
		{Kind: "ID", Country: "USA", State: "NY", Number: "123 456 789", Surname: "O'NEIL-SMITH",
			GivenNames: "JOHN", BirthDate: day(2001, 12, 31), ExpiryDate: day(2029, 1, 2),
			IssueDate: day(2021, 1, 2), Sex: "M"},
		{Kind: "DL", Country: "CAN", State: "ON", Number: "S1234-56789-01234", Surname: "TREMBLAY",
			GivenNames: "MARIE CLAIRE", BirthDate: day(1990, 2, 11), ExpiryDate: day(2027, 2, 11),
			IssueDate: day(2022, 3, 4), Sex: "X"},
		{Kind: "ID", Country: "CAN", State: "BC", Number: "7654321", Surname: "LEE",
			GivenNames: "KIM", BirthDate: day(1975, 11, 9), ExpiryDate: day(2028, 11, 9),
			IssueDate: day(2023, 5, 6), Sex: "F"},
	} {
		rec := Encode(l)
		if !strings.HasPrefix(string(rec), "@\n\x1e\rANSI ") {
			t.Fatalf("header %q", rec[:12])
		}
		got, err := Parse(rec)
		if err != nil {
			t.Fatalf("%s: %v", l.Number, err)
		}
		want := l
		want.IIN = iinFor(l.State)
		want.Version = 10
		if got != want {
			t.Errorf("round trip:\n got %+v\nwant %+v", got, want)
		}
	}
}

// Dates really are written in the order of the country.
func TestEncodeDateOrder(t *testing.T) {
	us := string(Encode(Licence{State: "TX", Number: "1", Surname: "A", BirthDate: day(1980, 1, 2), ExpiryDate: day(2030, 3, 4)}))
	if !strings.Contains(us, "\nDBB01021980\n") || !strings.Contains(us, "DCGUSA") {
		t.Errorf("USA record: %q", us)
	}
	if got, err := Parse([]byte(us)); err != nil || got.Sex != "X" {
		t.Errorf("unspecified sex: %+v, %v", got, err)
	}
	ca := string(Encode(Licence{State: "QC", Number: "1", Surname: "A", BirthDate: day(1980, 1, 2), ExpiryDate: day(2030, 3, 4)}))
	if !strings.Contains(ca, "\nDBB19800102\n") || !strings.Contains(ca, "DCGCAN") {
		t.Errorf("Canadian record: %q", ca)
	}
}

func TestParseRealWorldShapes(t *testing.T) {
	for _, tc := range []struct {
		name string
		rec  string
		want Licence
	}{{
		// Version 2: given names in DCT, no DCG, offsets that do not match the data
		// and a jurisdiction subfile after the DL one.
		name: "v2 DCT",
		rec: "@\n\x1e\rANSI 636014020002DL00410185ZC02260031DLDAQD1234567\nDCSSAMPLE\nDCTJANE,Q\n" +
			"DBA07012030\nDBB03051981\nDBC2\nDAJCA\nDBD07012022\n\rZCZCAGRN\nZCBNONE\r",
		want: Licence{Kind: "DL", Country: "USA", State: "CA", Number: "D1234567", Surname: "SAMPLE",
			GivenNames: "JANE Q", BirthDate: day(1981, 3, 5), ExpiryDate: day(2030, 7, 1),
			IssueDate: day(2022, 7, 1), Sex: "F", IIN: "636014", Version: 2},
	}, {
		// Version 1 from Ontario: no jurisdiction version field, full name in DAA,
		// year-first dates, sex as a letter, no country.
		name: "v1 Ontario",
		rec: "@\n\x1e\rANSI 6360120101DL00290120DLDAQS12345678901234\nDAASMITH,JOHN,ALBERT\n" +
			"DBB19800102\nDBA20251231\nDBCM\nDAJON\r",
		want: Licence{Kind: "DL", Country: "CAN", State: "ON", Number: "S12345678901234", Surname: "SMITH",
			GivenNames: "JOHN ALBERT", BirthDate: day(1980, 1, 2), ExpiryDate: day(2025, 12, 31),
			Sex: "M", IIN: "636012", Version: 1},
	}, {
		// Mangled compliance indicator, CR LF separators, no DAJ (state from the IIN),
		// no trailing terminator.
		name: "v8 CRLF",
		rec: "@\n\n\x1e\r\nANSI 636015080001ID00310100\r\nIDDCSDOE\r\nDACJOHN\r\nDADNONE\r\nDAQ12345678\r\n" +
			"DBB06151990\r\nDBA06152031\r\nDBC1",
		want: Licence{Kind: "ID", Country: "USA", State: "TX", Number: "12345678", Surname: "DOE",
			GivenNames: "JOHN", BirthDate: day(1990, 6, 15), ExpiryDate: day(2031, 6, 15),
			Sex: "M", IIN: "636015", Version: 8},
	}, {
		// No "ANSI " space and unreadable designators: the subfile is found by search.
		name: "no space",
		rec:  "@\n\x1e\rANSI636032090101DL00XX0150DLDAQM123\nDCSROE\nDACRICHARD\nDBB01021970\nDBA01022027\nDCGUSA\r",
		want: Licence{Kind: "DL", Country: "USA", State: "MI", Number: "M123", Surname: "ROE",
			GivenNames: "RICHARD", BirthDate: day(1970, 1, 2), ExpiryDate: day(2027, 1, 2),
			IIN: "636032", Version: 9},
	}, {
		// The subfile lacks its "ID" prefix; the designator says what it is.
		name: "no subfile prefix",
		rec:  "@\n\x1e\rANSI 636045090001ID00310090\nDAQWDL1234\nDCSLEE\nDACANN\nDBB02031985\nDBA02032029\nDAJWA\nDBC2\r",
		want: Licence{Kind: "ID", Country: "USA", State: "WA", Number: "WDL1234", Surname: "LEE",
			GivenNames: "ANN", BirthDate: day(1985, 2, 3), ExpiryDate: day(2029, 2, 3), Sex: "F",
			IIN: "636045", Version: 9},
	}} {
		got, err := Parse([]byte(tc.rec))
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		if got != tc.want {
			t.Errorf("%s:\n got %+v\nwant %+v", tc.name, got, tc.want)
		}
	}
}

func TestParseMissingField(t *testing.T) {
	rec := "@\n\x1e\rANSI 636014100001DL00310060DLDCSDOE\nDBB01021970\nDBA01022030\r"
	_, err := Parse([]byte(rec))
	if !errors.Is(err, ErrMissing) || !strings.Contains(err.Error(), "DAQ") {
		t.Errorf("missing number: %v", err)
	}
	rec = "@\n\x1e\rANSI 636014100001DL00310060DLDAQ1\nDCSDOE\nDBB01021970\r"
	if _, err := Parse([]byte(rec)); !errors.Is(err, ErrMissing) || !strings.Contains(err.Error(), "expiry") {
		t.Errorf("missing expiry: %v", err)
	}
	rec = "@\n\x1e\rANSI 636014100001DL00310060DLDAQ1\nDCSDOE\nDBB13451970\nDBA01022030\r"
	if _, err := Parse([]byte(rec)); !errors.Is(err, ErrMissing) || !strings.Contains(err.Error(), "birth") {
		t.Errorf("invalid birth date: %v", err)
	}
}

func TestParseRejectsGarbage(t *testing.T) {
	for _, s := range []string{"", "@", "hello world", "ANSI ", "ANSI 12345", "@\n\x1e\rANSI 636014100001",
		"P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<", "\x00\x01\x02\xff\xfe"} {
		if l, err := Parse([]byte(s)); err == nil {
			t.Errorf("Parse(%q) = %+v, want error", s, l)
		}
	}
}

func FuzzParse(f *testing.F) {
	f.Add(Encode(Licence{State: "CA", Number: "D1", Surname: "X", BirthDate: day(1980, 1, 1), ExpiryDate: day(2030, 1, 1)}))
	f.Add([]byte("@\n\x1e\rANSI 6360120101DL00290120DLDAQS1\nDAASMITH,JOHN\nDBB19800102\nDBA20251231\r"))
	f.Add([]byte("ANSI 636015080001ID99999999"))
	f.Fuzz(func(t *testing.T, b []byte) {
		l, err := Parse(b)
		if err == nil && (l.Number == "" || l.Surname == "" || l.BirthDate.IsZero() || l.ExpiryDate.IsZero()) {
			t.Fatalf("accepted a record lacking a required field: %+v", l)
		}
	})
}
