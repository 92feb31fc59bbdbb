package main

import (
	"fmt"
	"strings"
	"time"

	"github.com/rampart-id/rampart/document/doctest"
)

// documentsPerKind photos of each kind at each level: 4 kinds × 4 levels × 25 = 400.
const documentsPerKind = 25

// measureDocuments runs the read-rate survey over generated document photos.
func measureDocuments() (doctest.Survey, error) {
	return doctest.RunSurvey(documentsPerKind, time.Now())
}

// documentSection reports the survey: per level, and per kind within each level.
func documentSection(sv doctest.Survey) string {
	if sv.Cells == nil {
		return ""
	}
	var b strings.Builder
	total := 0
	for l := range doctest.Levels() {
		total += sv.Level(l).Photos
	}
	fmt.Fprintf(&b, "## Reading documents\n\n%d generated photos (`doctest.RunSurvey`, %d per kind and level: passports (TD3), "+
		"ID cards (TD1 on the back), TD2 cards, US/Canadian licences (AAMVA PDF417 on the back)), read with `document.Read` "+
		"as the verifier does. *Read* = every field as printed; *wrong* = read with some field different (accepted: must be 0); "+
		"*refused* = not read (the user is asked to retake).\n\n", total, sv.PerKind)
	b.WriteString("| level | read | wrong | refused | passport | ID card | TD2 | licence | ms / read |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|\n")
	for l, name := range doctest.Levels() {
		t := sv.Level(l)
		fmt.Fprintf(&b, "| %s | %s | %d | %d |", name, share(t.Correct, t.Photos), t.Wrong, t.Refused)
		for _, k := range doctest.Kinds {
			c := sv.Cells[l][k]
			fmt.Fprintf(&b, " %d/%d |", c.Correct, c.Photos)
		}
		fmt.Fprintf(&b, " %.0f |\n", float64(t.Time.Milliseconds())/float64(max(t.Photos, 1)))
	}
	b.WriteString("\n")
	return b.String()
}

func share(n, of int) string {
	if of == 0 {
		return "—"
	}
	return fmt.Sprintf("%.1f %% (%d/%d)", 100*float64(n)/float64(of), n, of)
}
