package testenv

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// writePDF keeps a PDF in the test's temporary folder for the tools to read.
func writePDF(tb testing.TB, pdf []byte) string {
	tb.Helper()
	path := filepath.Join(tb.TempDir(), "doc.pdf")
	if err := os.WriteFile(path, pdf, 0o644); err != nil {
		tb.Fatal(err)
	}
	return path
}

// PDFText is a PDF's text as pdftotext (poppler-utils) reads it, in UTF-8.
func PDFText(tb testing.TB, pdf []byte, opts ...string) string {
	tb.Helper()
	if _, err := exec.LookPath("pdftotext"); err != nil {
		Missing(tb, "pdftotext", "apt-get install -y poppler-utils")
	}
	out, err := exec.Command("pdftotext", append(append([]string{"-enc", "UTF-8"}, opts...), writePDF(tb, pdf), "-")...).Output()
	if err != nil {
		tb.Fatalf("pdftotext: %v", err)
	}
	return string(out)
}

// Barcodes decodes the Code 128 symbols on a page (from 1) of a PDF rendered at 300 dpi, with
// pdftoppm and zbarimg (zbar-tools).
func Barcodes(tb testing.TB, pdf []byte, page int) []string {
	tb.Helper()
	for tool, pkg := range map[string]string{"pdftoppm": "poppler-utils", "zbarimg": "zbar-tools"} {
		if _, err := exec.LookPath(tool); err != nil {
			Missing(tb, tool, "apt-get install -y "+pkg)
		}
	}
	prefix := filepath.Join(tb.TempDir(), "page")
	p := strconv.Itoa(page)
	if out, err := exec.Command("pdftoppm", "-r", "300", "-gray", "-png", "-singlefile", "-f", p, "-l", p, writePDF(tb, pdf), prefix).CombinedOutput(); err != nil {
		tb.Fatalf("pdftoppm: %v\n%s", err, out)
	}
	return scanCode128(tb, prefix+".png")
}

// ImageBarcodes decodes the Code 128 symbols of an image (PNG bytes).
func ImageBarcodes(tb testing.TB, png []byte) []string {
	tb.Helper()
	if _, err := exec.LookPath("zbarimg"); err != nil {
		Missing(tb, "zbarimg", "apt-get install -y zbar-tools")
	}
	path := filepath.Join(tb.TempDir(), "image.png")
	if err := os.WriteFile(path, png, 0o644); err != nil {
		tb.Fatal(err)
	}
	return scanCode128(tb, path)
}

func scanCode128(tb testing.TB, path string) []string {
	tb.Helper()
	out, err := exec.Command("zbarimg", "-q", "--raw", "-Sdisable", "-Scode128.enable", path).Output()
	if err != nil && len(out) == 0 {
		return nil // zbarimg exits 4 when it finds nothing
	}
	return strings.Fields(string(out))
}
