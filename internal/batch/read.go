package batch

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"path"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/transform"
)

// Defaults of Options.
const (
	DefaultMaxRows     = 500      // rule BAT-1
	DefaultMaxBytes    = 5 << 20  // an upload larger than this is refused
	DefaultMaxUnzipped = 32 << 20 // an .xlsx unpacking to more than this is refused
)

// Header.Format values.
const (
	FormatCSV  = "csv"
	FormatXLSX = "xlsx"
)

const (
	maxHeaderColumns = 1024                               // a header row with more cells is not a shipment file
	sampleSize       = 256 << 10                          // bytes looked at to detect the encoding and delimiter
	maxZipEntries    = 10000                              // an .xlsx with more parts is refused
	oleSignature     = "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1" // .xls and encrypted workbooks
)

// Options says how to read a file. The zero value detects everything and applies the defaults.
type Options struct {
	Encoding    string            // CSV only: "" detects; "utf-8", "utf-16" (or -le, -be), "big5", "gb18030"
	Delimiter   rune              // CSV only: 0 detects among ',', ';' and '\t'
	Sheet       string            // Excel only: "" reads the first sheet
	Mapping     map[string]string // file header -> canonical column ("" ignores the column); overrides the automatic match
	MaxRows     int               // shipments per file; 0 means DefaultMaxRows
	MaxBytes    int64             // size of the upload; 0 means DefaultMaxBytes
	MaxUnzipped int64             // Excel only: total unpacked size; 0 means DefaultMaxUnzipped
}

func (o Options) withDefaults() Options {
	if o.MaxRows <= 0 {
		o.MaxRows = DefaultMaxRows
	}
	if o.MaxBytes <= 0 {
		o.MaxBytes = DefaultMaxBytes
	}
	if o.MaxUnzipped <= 0 {
		o.MaxUnzipped = DefaultMaxUnzipped
	}
	return o
}

// Row is one shipment row of the file.
type Row struct {
	Number   int               // row number as the spreadsheet shows it (the header is usually 1)
	Values   map[string]string // canonical column -> trimmed text; empty cells are left out
	Formulas []string          // canonical columns whose cell held a formula: its saved result was used, never recalculated
}

// HeaderColumn is one cell of the file's header row.
type HeaderColumn struct {
	Index     int    // 0-based position in the row (column A = 0)
	Name      string // as written in the file, trimmed
	Canonical string // the template column it was matched or mapped to, or ""
}

// Header describes the file as read: its header row and how it was decoded.
type Header struct {
	Format    string         // FormatCSV or FormatXLSX
	Row       int            // row number of the header (the first non-empty row)
	Columns   []HeaderColumn // the non-empty header cells
	Unknown   []string       // header names matched to no column and not mapped away (ignored; a note for the user)
	Encoding  string         // CSV: the encoding used (detected or chosen)
	Delimiter rune           // CSV: the delimiter used
	Sheet     string         // Excel: the sheet read
	Sheets    []string       // Excel: every sheet, for the user to choose
}

// Mapping returns the header-to-column mapping in effect (unknown headers map to ""), in the form
// Options.Mapping takes, so that a user can adjust it and save it.
func (h Header) Mapping() map[string]string {
	out := make(map[string]string, len(h.Columns))
	for _, c := range h.Columns {
		out[c.Name] = c.Canonical
	}
	return out
}

var errTooLarge = errors.New("batch: upload larger than the limit")

// Read reads a CSV or Excel (.xlsx) file and calls each for every shipment row, in order, as it is
// read; fully empty rows are skipped. The format is chosen by content (an .xlsx is a ZIP archive),
// then by filename. Read stops at the first error: a *FileError about the file, or each's error
// unchanged.
//
// A file with more than opt.MaxRows shipment rows is refused with KeyTooManyRows when the first row
// past the limit is seen, after the rows before it went to each: callers collect or validate rows
// in each and create nothing unless Read returns nil (rule BAT-1: nothing from a refused file).
//
// The header is returned even with an error once it was read, so that a user can fix the column
// mapping. Excel cells give what the spreadsheet shows (text as typed, ZIP codes with their leading
// zeros, dates as formatted), except the numeric columns (weights, sizes, amounts, quantities),
// which give the number stored. Formulas are never evaluated: the result saved in the file is used,
// or nothing, and Row.Formulas names the columns.
func Read(r io.Reader, filename string, opt Options, each func(Row) error) (Header, error) {
	opt = opt.withDefaults()
	lim := &limitReader{r: r, max: opt.MaxBytes}
	br := bufio.NewReaderSize(lim, sampleSize)
	head, err := br.Peek(sampleSize)
	if lim.over {
		return Header{}, tooLarge(opt)
	}
	if err != nil && err != io.EOF && err != bufio.ErrBufferFull {
		return Header{}, err
	}
	if len(head) == 0 {
		return Header{}, fileErr(0, "", KeyEmpty, nil)
	}
	ext := strings.ToLower(path.Ext(filename))
	switch {
	case bytes.HasPrefix(head, []byte("PK\x03\x04")):
		data, err := io.ReadAll(br)
		if lim.over || errors.Is(err, errTooLarge) {
			return Header{}, tooLarge(opt)
		}
		if err != nil {
			return Header{}, err
		}
		return readXLSX(data, opt, each)
	case bytes.HasPrefix(head, []byte(oleSignature)):
		return Header{}, fileErr(0, "", KeyOldExcel, nil)
	case ext == ".xlsx" || ext == ".xlsm":
		// Not a ZIP archive, so not a workbook. (A ".xls" or ".txt" may be text that some systems
		// export under that name: it is read as CSV.)
		return Header{}, fileErr(0, "", KeyNotASpreadsheet, nil)
	}
	return readCSV(br, head, lim, opt, each)
}

func tooLarge(opt Options) *FileError {
	return fileErr(0, "", KeyTooLarge, map[string]any{"max_bytes": opt.MaxBytes, "max_mb": megabytes(opt.MaxBytes)})
}

// megabytes is n in MB, with one decimal when it is not whole.
func megabytes(n int64) any {
	if n%(1<<20) == 0 {
		return n >> 20
	}
	return float64(n*10/(1<<20)) / 10
}

// limitReader fails with errTooLarge once more than max bytes were read.
type limitReader struct {
	r    io.Reader
	n    int64
	max  int64
	over bool
}

func (l *limitReader) Read(p []byte) (int, error) {
	if l.over {
		return 0, errTooLarge
	}
	if rest := l.max + 1 - l.n; int64(len(p)) > rest {
		p = p[:rest]
	}
	n, err := l.r.Read(p)
	l.n += int64(n)
	if l.n > l.max {
		l.over = true
		return 0, errTooLarge
	}
	return n, err
}

func readCSV(br *bufio.Reader, head []byte, lim *limitReader, opt Options, each func(Row) error) (Header, error) {
	enc, ok := canonicalEncoding(opt.Encoding)
	if !ok {
		return Header{}, fileErr(0, "", KeyUnknownEncoding, map[string]any{"encoding": opt.Encoding})
	}
	if enc == "" {
		enc = detectEncoding(head)
	}
	if (enc == UTF8 || enc == Big5 || enc == GB18030) && bytes.IndexByte(head, 0) >= 0 {
		// NUL bytes: UTF-16 without a mark was ruled out, so this is binary, not text.
		if opt.Encoding == "" {
			return Header{}, fileErr(0, "", KeyNotASpreadsheet, nil)
		}
	}
	var text io.Reader = br
	if enc == UTF8 {
		if bytes.HasPrefix(head, bomUTF8) {
			_, _ = br.Discard(len(bomUTF8))
		}
	} else {
		text = transform.NewReader(br, encodingOf(enc).NewDecoder())
	}
	sample, _ := decodeSample(head, enc)
	delim, sepLine := detectDelimiter(sample)
	if opt.Delimiter != 0 {
		delim = opt.Delimiter
	}
	if !validDelimiter(delim) {
		delim = ','
	}
	hdr := Header{Format: FormatCSV, Encoding: enc, Delimiter: delim}
	s := &sink{opt: opt, hdr: &hdr, each: each}

	cr := csv.NewReader(&crReader{r: bufio.NewReaderSize(text, 64<<10)})
	cr.Comma = delim
	cr.LazyQuotes = true
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	checkUTF8 := enc == UTF8
	checkReplacement := enc == Big5 || enc == GB18030

	prevRow, prevEnd := 0, 0 // last row number given and the line its record ended on
	first := true
	for {
		rec, err := cr.Read()
		if lim.over || errors.Is(err, errTooLarge) {
			return hdr, tooLarge(opt)
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return hdr, fileErr(prevRow+max(pe.StartLine-prevEnd, 1), "", KeyBadCSV, map[string]any{"detail": pe.Err.Error()})
			}
			return hdr, err
		}
		start, _ := cr.FieldPos(0)
		last, _ := cr.FieldPos(len(rec) - 1)
		end := last + strings.Count(rec[len(rec)-1], "\n")
		if first && sepLine {
			first, prevEnd = false, end
			continue
		}
		first = false
		// A spreadsheet shows blank lines as rows, which encoding/csv skips: count them back in.
		num := prevRow + max(start-prevEnd, 1)
		prevRow, prevEnd = num, end
		for i, v := range rec {
			if (checkUTF8 && !utf8.ValidString(v)) || (checkReplacement && strings.ContainsRune(v, utf8.RuneError)) {
				return hdr, fileErr(num, s.columnName(i), KeyBadEncoding, map[string]any{"encoding": encodingName(enc)})
			}
		}
		if err := s.row(num, rec, nil); err != nil {
			return hdr, err
		}
	}
	return hdr, s.finish()
}

// encodingName is an encoding's name for messages.
func encodingName(enc string) string {
	switch enc {
	case UTF8:
		return "UTF-8"
	case UTF16LE, UTF16BE:
		return "UTF-16"
	case Big5:
		return "Big5"
	case GB18030:
		return "GB18030"
	}
	return enc
}

// crReader turns lone carriage returns (old Mac line ends) into line feeds; CRLF stays.
type crReader struct {
	r *bufio.Reader
}

func (c *crReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	for i := bytes.IndexByte(p[:n], '\r'); i >= 0; {
		if i+1 < n {
			if p[i+1] != '\n' {
				p[i] = '\n'
			}
		} else if next, perr := c.r.Peek(1); perr != nil || next[0] != '\n' {
			p[i] = '\n'
		}
		j := bytes.IndexByte(p[i+1:n], '\r')
		if j < 0 {
			break
		}
		i += 1 + j
	}
	return n, err
}

// sink turns the rows of either format into the header and shipment rows.
type sink struct {
	opt     Options
	hdr     *Header
	each    func(Row) error
	started bool
	canon   []string // by column index: canonical column or ""
	numeric []bool   // by column index: a numeric column
	count   int      // shipment rows given to each
}

// row takes one row of cells, numbered as the spreadsheet shows it; formulas are the indexes of
// cells that held formulas.
func (s *sink) row(num int, cells []string, formulas []int) error {
	empty := true
	for _, c := range cells {
		if strings.TrimSpace(c) != "" {
			empty = false
			break
		}
	}
	if empty {
		return nil
	}
	if !s.started {
		s.started = true
		return s.header(num, cells)
	}
	s.count++
	if s.count > s.opt.MaxRows {
		return fileErr(num, "", KeyTooManyRows, map[string]any{"max": s.opt.MaxRows, "count": s.count})
	}
	row := Row{Number: num, Values: make(map[string]string, len(cells))}
	for i, c := range cells[:min(len(cells), len(s.canon))] {
		if s.canon[i] == "" {
			continue
		}
		if v := strings.TrimSpace(c); v != "" {
			row.Values[s.canon[i]] = v
		}
	}
	for _, i := range formulas {
		if i < len(s.canon) && s.canon[i] != "" {
			row.Formulas = append(row.Formulas, s.canon[i])
		}
	}
	return s.each(row)
}

func (s *sink) header(num int, cells []string) error {
	h := s.hdr
	h.Row = num
	if len(cells) > maxHeaderColumns {
		return fileErr(num, "", KeyTooManyColumns, map[string]any{"max": maxHeaderColumns})
	}
	s.canon = make([]string, len(cells))
	s.numeric = make([]bool, len(cells))
	seen := map[string]string{}
	for i, raw := range cells {
		name := cleanHeader(raw)
		if name == "" {
			continue
		}
		canonical, mapped, err := s.mapped(num, name)
		if err != nil {
			return err
		}
		if !mapped {
			canonical = Canonical(name)
			if canonical == "" {
				h.Unknown = append(h.Unknown, name)
			}
		}
		h.Columns = append(h.Columns, HeaderColumn{Index: i, Name: name, Canonical: canonical})
		if canonical == "" {
			continue
		}
		if other, dup := seen[canonical]; dup {
			return fileErr(num, canonical, KeyDuplicateColumn, map[string]any{"names": other + ", " + name})
		}
		seen[canonical] = name
		s.canon[i] = canonical
		s.numeric[i] = columnByName[canonical].Numeric
	}
	var missing []string
	for _, c := range Required {
		if _, ok := seen[c]; !ok {
			missing = append(missing, c)
		}
	}
	if len(missing) > 0 {
		return fileErr(num, missing[0], KeyMissingColumn, map[string]any{"columns": strings.Join(missing, ", "), "count": len(missing)})
	}
	return nil
}

// mapped applies the user's mapping to a header: by exact name first, then loosely.
func (s *sink) mapped(row int, name string) (canonical string, ok bool, err error) {
	if len(s.opt.Mapping) == 0 {
		return "", false, nil
	}
	to, ok := s.opt.Mapping[name]
	if !ok {
		key := normalize(name)
		for from, t := range s.opt.Mapping {
			if normalize(from) == key {
				to, ok = t, true
				break
			}
		}
	}
	if !ok {
		return "", false, nil
	}
	to = strings.TrimSpace(to)
	switch {
	case to == "" || to == "-":
		return "", true, nil
	case IsColumn(to):
		return to, true, nil
	case Canonical(to) != "":
		return Canonical(to), true, nil
	}
	return "", true, fileErr(row, name, KeyBadMapping, map[string]any{"name": name, "column": to})
}

// columnName names column i for an error: its canonical column, else its header, else "".
func (s *sink) columnName(i int) string {
	if i < len(s.canon) && s.canon[i] != "" {
		return s.canon[i]
	}
	for _, c := range s.hdr.Columns {
		if c.Index == i {
			return c.Name
		}
	}
	return ""
}

func (s *sink) finish() error {
	switch {
	case !s.started:
		return fileErr(0, "", KeyEmpty, nil)
	case s.count == 0:
		return fileErr(0, "", KeyNoRows, nil)
	}
	return nil
}

// cleanHeader trims a header cell, byte order marks and zero-width characters included.
func cleanHeader(s string) string {
	return strings.TrimFunc(s, func(r rune) bool {
		return r == '\uFEFF' || r == '\u200B' || r == '\u200C' || r == '\u200D' || r == '\u2060' || r <= ' ' || r == '\u00A0' || r == '\u3000'
	})
}
