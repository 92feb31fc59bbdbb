// Package ocr finds the machine-readable zone on a phone photo of a passport data
// page, an ID card's back or a TD2 card, reads its characters and, with
// ReadDocument, parses them with package mrz. It is pure Go with no dependencies
// beyond the repository, for the server and the browser widget (WebAssembly) alike.
//
// The photo is reduced to grey and to about 1000 pixels across. Pixels darker than
// their surroundings (which tolerates uneven light) are ink; the text's skew is the
// angle at which the ink's projection is sharpest; the ink's connected blobs of a
// character's size are chained into text lines, and a zone is 2 or 3 long lines of
// equal length, pitch and spacing. Each line's characters are numbered along it
// and their positions fitted with a quadratic, which follows the pitch's change
// under perspective; the line is then resampled from the finest useful resolution
// into a strip of 16 pixels per character and every cell correlated with the
// OCR-B glyphs of package ocrb, only among the characters its position may hold
// (digits in dates, letters in names, …), after a few probe cells have found where
// the characters sit. A photo turned 180° is read from the other end.
//
// Wrong reads are refused rather than guessed: a document is returned only when
// every check digit holds, with runner-up characters tried only where the reading
// was unsure and only when exactly one combination passes, and when every character
// no check digit covers (names, countries, sex) was clearly the best match.
package ocr
