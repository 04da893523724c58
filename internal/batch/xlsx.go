package batch

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"path"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"
)

// readXLSX reads the chosen sheet of a workbook. Values come from excelize's streaming row iterator
// (formatted as the spreadsheet shows them; no formula is ever calculated); a second light pass over
// the same sheet XML (sheetScanner) tells which cells hold formulas and the stored numbers of numeric
// cells. Both passes stream: memory holds the upload and its unpacked parts, both bounded.
// excelize's own per-cell GetCellFormula, GetCellType and GetCellValue(RawCellValue) would do
// without the second pass, but they load the whole worksheet: BenchmarkXLSXCellAPI measures them
// 1.4 times slower on 500 rows and 2.4 times on a 3,000-row sheet that this reader refuses at its
// 501st row.
func readXLSX(data []byte, opt Options, each func(Row) error) (Header, error) {
	hdr := Header{Format: FormatXLSX}
	zr, f, err := openWorkbook(data, opt)
	if err != nil {
		return hdr, err
	}
	defer func() { _ = f.Close() }()
	if err := chooseSheet(f, opt, &hdr); err != nil {
		return hdr, err
	}
	var rows *excelize.Rows
	if err := guard(func() error {
		var err error
		rows, err = f.Rows(hdr.Sheet)
		return err
	}); err != nil {
		return hdr, fileErr(0, "", KeyNotASpreadsheet, nil)
	}
	defer func() { _ = rows.Close() }()
	scan := newSheetScanner(zr, hdr.Sheet, opt.MaxUnzipped)
	defer scan.close()
	s := &sink{opt: opt, hdr: &hdr, each: each}
	if err := readRows(rows, scan, s); err != nil {
		return hdr, err
	}
	// Read the sheet part to its end: a damaged archive, or one that unpacks to more than it
	// declares (excelize then silently keeps a truncated part), is refused.
	if scan.drain() != nil {
		return hdr, fileErr(0, "", KeyNotASpreadsheet, nil)
	}
	return hdr, s.finish()
}

// openWorkbook opens an .xlsx file within the unpacked-size limit: its zip archive (for the sheet
// scanner) and the workbook.
func openWorkbook(data []byte, opt Options) (*zip.Reader, *excelize.File, error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, nil, fileErr(0, "", KeyNotASpreadsheet, nil)
	}
	if err := checkZip(zr, opt); err != nil {
		return nil, nil, err
	}
	var f *excelize.File
	err = guard(func() error {
		var err error
		f, err = excelize.OpenReader(bytes.NewReader(data), excelize.Options{
			UnzipSizeLimit:    opt.MaxUnzipped,
			UnzipXMLSizeLimit: opt.MaxUnzipped, // keep every part in memory (bounded), no temporary files
		})
		return err
	})
	if err != nil {
		if strings.Contains(err.Error(), "unzip size") {
			return nil, nil, unzippedTooLarge(opt)
		}
		return nil, nil, fileErr(0, "", KeyNotASpreadsheet, nil)
	}
	return zr, f, nil
}

// chooseSheet picks the sheet to read: the one named in the options (any case), else the first.
func chooseSheet(f *excelize.File, opt Options, hdr *Header) error {
	hdr.Sheets = f.GetSheetList()
	if len(hdr.Sheets) == 0 {
		return fileErr(0, "", KeyNotASpreadsheet, nil)
	}
	hdr.Sheet = hdr.Sheets[0]
	want := strings.TrimSpace(opt.Sheet)
	if want == "" {
		return nil
	}
	for _, name := range hdr.Sheets {
		if strings.EqualFold(strings.TrimSpace(name), want) {
			hdr.Sheet = name
			return nil
		}
	}
	hdr.Sheet = ""
	return fileErr(0, "", KeySheetNotFound, map[string]any{"sheet": opt.Sheet, "sheets": strings.Join(hdr.Sheets, ", ")})
}

// readRows gives the sink every row as text, with the numbers stored in the sheet as they are
// (not as formatted) and the columns holding formulas, once the header row is found.
func readRows(rows *excelize.Rows, scan *sheetScanner, s *sink) error {
	var formulas []int
	for n := 1; ; n++ {
		var cells []string
		var more bool
		if err := guard(func() error {
			if more = rows.Next(); more {
				var err error
				cells, err = rows.Columns()
				return err
			}
			return rows.Error()
		}); err != nil {
			return fileErr(n, "", KeyNotASpreadsheet, nil)
		}
		if !more {
			return nil
		}
		formulas = formulas[:0]
		var sr *scanRow
		if s.started {
			sr = scan.at(n)
		}
		if sr != nil {
			for _, c := range sr.cells {
				i := c.col - 1
				if i < 0 || i >= len(s.canon) || s.canon[i] == "" {
					continue
				}
				if c.formula {
					formulas = append(formulas, i)
				}
				if s.numeric[i] && c.number && i < len(cells) {
					if v, ok := storedNumber(c.raw); ok {
						cells[i] = v
					}
				}
			}
		}
		if err := s.row(n, cells, formulas); err != nil {
			return err
		}
	}
}

// guard runs a call into excelize, turning a panic on a malformed file into an error.
func guard(fn func() error) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("batch: malformed workbook: %v", p)
		}
	}()
	return fn()
}

func unzippedTooLarge(opt Options) *FileError {
	return fileErr(0, "", KeyUnzippedTooLarge, map[string]any{"max_bytes": opt.MaxUnzipped, "max_mb": megabytes(opt.MaxUnzipped)})
}

// checkZip refuses archives with too many parts or whose parts unpack to more than the limit. The
// sizes are those the archive declares; archive/zip fails reading a part that unpacks to more than
// it declared, so a lying archive is refused when read.
func checkZip(zr *zip.Reader, opt Options) error {
	if len(zr.File) > maxZipEntries {
		return unzippedTooLarge(opt)
	}
	var total uint64
	for _, zf := range zr.File {
		total += zf.UncompressedSize64
		if zf.UncompressedSize64 > uint64(opt.MaxUnzipped) || total > uint64(opt.MaxUnzipped) {
			return unzippedTooLarge(opt)
		}
	}
	return nil
}

// storedNumber renders a cell's stored number as typed: at most 15 significant digits (as Excel
// keeps them), no exponent, no trailing zeros.
func storedNumber(raw string) (string, bool) {
	f, err := strconv.ParseFloat(strings.TrimSpace(raw), 64)
	if err != nil {
		return "", false
	}
	f, _ = strconv.ParseFloat(strconv.FormatFloat(f, 'g', 15, 64), 64)
	return strconv.FormatFloat(f, 'f', -1, 64), true
}

// scanCell is what the scanner learns about one cell.
type scanCell struct {
	col     int    // 1-based column
	number  bool   // a numeric cell (no type or t="n")
	formula bool   // the cell holds a formula
	raw     string // the stored value, for numeric cells
}

type scanRow struct {
	num   int
	cells []scanCell
}

// sheetScanner streams a worksheet's XML a row at a time, in step with excelize's iterator.
type sheetScanner struct {
	rc   io.ReadCloser
	dec  *xml.Decoder
	cur  int // number of the last row read
	row  scanRow
	have bool // row holds a row not yet passed
	done bool
	err  error // the archive failed while reading the part (not an XML syntax error)
}

// newSheetScanner opens the sheet's XML part; when it cannot be found the scanner reports nothing.
func newSheetScanner(zr *zip.Reader, sheet string, limit int64) *sheetScanner {
	sc := &sheetScanner{done: true}
	part := sheetPart(zr, sheet)
	if part == nil {
		return sc
	}
	rc, err := part.Open()
	if err != nil {
		return sc
	}
	sc.rc, sc.done = rc, false
	sc.dec = xml.NewDecoder(io.LimitReader(rc, limit))
	return sc
}

func (sc *sheetScanner) close() {
	if sc.rc != nil {
		_ = sc.rc.Close()
	}
}

// at returns row n, or nil when the sheet has no such row or the scanner stopped.
func (sc *sheetScanner) at(n int) *scanRow {
	for !sc.done && (!sc.have || sc.row.num < n) {
		sc.have = sc.next()
		if !sc.have {
			sc.done = true
		}
	}
	if sc.have && sc.row.num == n {
		return &sc.row
	}
	return nil
}

// drain reads the rest of the sheet part and returns the archive's error, if any.
func (sc *sheetScanner) drain() error {
	for !sc.done {
		sc.done = !sc.next()
	}
	return sc.err
}

// token reads the next token, keeping an error of the archive (not of the XML) in err.
func (sc *sheetScanner) token() (xml.Token, error) {
	tok, err := sc.dec.RawToken()
	var syntax *xml.SyntaxError
	if err != nil && err != io.EOF && !errors.As(err, &syntax) {
		sc.err = err
	}
	return tok, err
}

// tokens yields the sheet's tokens up to its end or the first error.
func (sc *sheetScanner) tokens(yield func(xml.Token) bool) {
	for {
		tok, err := sc.token()
		if err != nil || !yield(tok) {
			return
		}
	}
}

// next reads the next <row>; false at the end of the sheet data or on malformed XML.
func (sc *sheetScanner) next() bool {
	for tok := range sc.tokens {
		switch t := tok.(type) {
		case xml.StartElement:
			if t.Name.Local == "row" {
				sc.cur++
				if r, err := strconv.Atoi(attr(t, "r")); err == nil && r > 0 {
					sc.cur = r
				}
				sc.row.num = sc.cur
				sc.row.cells = sc.row.cells[:0]
				return sc.readCells()
			}
		case xml.EndElement:
			if t.Name.Local == "sheetData" {
				return false
			}
		}
	}
	return false
}

// readCells reads the cells of the current row up to </row>.
func (sc *sheetScanner) readCells() bool {
	col := 0
	var cell *scanCell
	inValue := false
	var value strings.Builder
	for tok := range sc.tokens {
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "c":
				col++
				if c := columnOf(attr(t, "r")); c > 0 {
					col = c
				}
				typ := attr(t, "t")
				sc.row.cells = append(sc.row.cells, scanCell{col: col, number: typ == "" || typ == "n"})
				cell = &sc.row.cells[len(sc.row.cells)-1]
			case "f":
				if cell != nil {
					cell.formula = true
				}
			case "v":
				inValue = cell != nil
				value.Reset()
			}
		case xml.CharData:
			if inValue && value.Len() < 64 {
				value.Write(t)
			}
		case xml.EndElement:
			switch t.Name.Local {
			case "v":
				if inValue {
					cell.raw = value.String()
				}
				inValue = false
			case "c":
				cell = nil
			case "row":
				return true
			}
		}
	}
	return false
}

func attr(t xml.StartElement, local string) string {
	for _, a := range t.Attr {
		if a.Name.Local == local {
			return a.Value
		}
	}
	return ""
}

// columnOf is the 1-based column of a cell reference such as "AB12", or 0.
func columnOf(ref string) int {
	col := 0
	for i := 0; i < len(ref); i++ {
		c := ref[i] | 0x20 // lower case
		if c < 'a' || c > 'z' {
			break
		}
		col = col*26 + int(c-'a'+1)
		if col > 16384 {
			return 0
		}
	}
	return col
}

// sheetPart finds the worksheet part of a sheet by name, following the package relationships.
func sheetPart(zr *zip.Reader, sheet string) *zip.File {
	files := make(map[string]*zip.File, len(zr.File))
	for _, f := range zr.File {
		files[strings.ToLower(strings.TrimPrefix(strings.ReplaceAll(f.Name, "\\", "/"), "/"))] = f
	}
	workbook := "xl/workbook.xml"
	for _, rel := range readRels(files["_rels/.rels"]) {
		if strings.HasSuffix(rel.Type, "/officeDocument") {
			workbook = resolvePart("", rel.Target)
		}
	}
	var id string
	if wb := files[strings.ToLower(workbook)]; wb != nil {
		var doc struct {
			Sheets []struct {
				Name string     `xml:"name,attr"`
				Attr []xml.Attr `xml:",any,attr"`
			} `xml:"sheets>sheet"`
		}
		if decodePart(wb, &doc) != nil {
			return nil
		}
		for _, s := range doc.Sheets {
			if s.Name == sheet {
				for _, a := range s.Attr {
					if a.Name.Local == "id" {
						id = a.Value
					}
				}
			}
		}
	}
	if id == "" {
		return nil
	}
	dir, base := path.Split(workbook)
	for _, rel := range readRels(files[strings.ToLower(dir+"_rels/"+base+".rels")]) {
		if rel.ID == id {
			return files[strings.ToLower(resolvePart(dir, rel.Target))]
		}
	}
	return nil
}

type relationship struct {
	ID     string `xml:"Id,attr"`
	Type   string `xml:"Type,attr"`
	Target string `xml:"Target,attr"`
}

func readRels(f *zip.File) []relationship {
	if f == nil {
		return nil
	}
	var doc struct {
		Rels []relationship `xml:"Relationship"`
	}
	if decodePart(f, &doc) != nil {
		return nil
	}
	return doc.Rels
}

// decodePart decodes a small XML part (at most 4 MiB is read).
func decodePart(f *zip.File, v any) error {
	rc, err := f.Open()
	if err != nil {
		return err
	}
	defer func() { _ = rc.Close() }()
	return xml.NewDecoder(io.LimitReader(rc, 4<<20)).Decode(v)
}

// resolvePart resolves a relationship target against the folder of the part that holds it.
func resolvePart(dir, target string) string {
	target = strings.ReplaceAll(target, "\\", "/")
	if strings.HasPrefix(target, "/") {
		return strings.TrimPrefix(path.Clean(target), "/")
	}
	return strings.TrimPrefix(path.Clean("/"+dir+target), "/")
}
