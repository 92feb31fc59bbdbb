package order

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"strings"
	"testing"
)

var updateReadme = flag.Bool("update-readme", false, "rewrite the order tables in ../README.md")

const (
	readmeBegin = "<!-- order tables: generated from package order by `go test ./order -update-readme` -->\n"
	readmeEnd   = "<!-- end of order tables -->\n"
)

// readmeTables writes the supported currencies, address rules, amount limits and fiat
// codes as the README shows them, so the policy is written down in one place.
func readmeTables() string {
	var b strings.Builder
	b.WriteString("| currency | network | decimals | network may be omitted |\n|---|---|---|---|\n")
	for _, a := range assets {
		omit := ""
		if nets := NetworksOf(a.Currency); len(nets) == 1 {
			omit = "yes"
		}
		fmt.Fprintf(&b, "| %s | %s | %d | %s |\n", a.Currency, a.Network, a.Decimals, omit)
	}
	b.WriteString("\n| network | `wallet_address` |\n|---|---|\n")
	for _, n := range []string{Bitcoin, Ethereum, Polygon, Solana, Tron} {
		fmt.Fprintf(&b, "| %s | %s |\n", n, AddressRules[n])
	}
	fmt.Fprintf(&b, "\nAmounts are decimal strings: digits, at most one `.`, no sign, exponent or leading zeros,\n"+
		"greater than zero, below 10^%d, with at most as many decimal places as the currency has\n"+
		"(the crypto decimals above; the ISO 4217 minor unit for `fiat_amount`).\n\n", MaxIntegerDigits)
	b.WriteString("`fiat_currency`: ISO 4217 codes in circulation.\n")
	names := map[int]string{0: "No decimals", 2: "Two decimals", 3: "Three decimals"}
	for d, codes := range fiatByDecimals {
		if len(codes) == 0 {
			continue
		}
		line := "- " + names[d] + ":"
		for k, c := range codes {
			sep := ","
			if k == len(codes)-1 {
				sep = "."
			}
			if len(line)+len(c)+2 > 90 {
				b.WriteString(line + "\n ")
				line = ""
			}
			line += " " + c + sep
		}
		b.WriteString(line + "\n")
	}
	return b.String()
}

// TestReadmeOrderTables fails when README.md no longer shows what this package enforces.
func TestReadmeOrderTables(t *testing.T) {
	const path = "../README.md"
	readme, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	i, j := bytes.Index(readme, []byte(readmeBegin)), bytes.Index(readme, []byte(readmeEnd))
	if i < 0 || j < i {
		t.Fatalf("README.md has no order tables between %q and %q", readmeBegin, readmeEnd)
	}
	have, want := string(readme[i+len(readmeBegin):j]), readmeTables()
	if have == want {
		return
	}
	if !*updateReadme {
		t.Fatalf("README.md order tables are stale; run go test ./order -update-readme\nwant:\n%s", want)
	}
	out := append(append(append([]byte{}, readme[:i+len(readmeBegin)]...), want...), readme[j:]...)
	if err := os.WriteFile(path, out, 0o644); err != nil {
		t.Fatal(err)
	}
}
