package batch_test

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/traditionalchinese"
	"golang.org/x/text/encoding/unicode"

	"github.com/ecship/ecship/internal/batch"
	"github.com/ecship/ecship/internal/testenv"
)

// encodeText converts UTF-8 text to another encoding with iconv when it is installed (another
// program than this package and its libraries), else with golang.org/x/text's encoders.
func encodeText(t *testing.T, text, enc string) []byte {
	t.Helper()
	iconvName := map[string]string{"big5": "BIG5-HKSCS", "gb18030": "GB18030", "utf-16le": "UTF-16LE", "utf-16be": "UTF-16BE"}[enc]
	if path, err := exec.LookPath("iconv"); err == nil && iconvName != "" {
		cmd := exec.Command(path, "-f", "UTF-8", "-t", iconvName)
		cmd.Stdin = strings.NewReader(text)
		out, err := cmd.Output()
		if err == nil {
			return out
		}
		t.Logf("iconv %s: %v; using golang.org/x/text", iconvName, err)
	}
	var e encoding.Encoding
	switch enc {
	case "big5":
		e = traditionalchinese.Big5
	case "gb18030":
		e = simplifiedchinese.GB18030
	case "utf-16le":
		e = unicode.UTF16(unicode.LittleEndian, unicode.IgnoreBOM)
	case "utf-16be":
		e = unicode.UTF16(unicode.BigEndian, unicode.IgnoreBOM)
	default:
		t.Fatalf("no encoder for %s", enc)
	}
	out, err := e.NewEncoder().Bytes([]byte(text))
	if err != nil {
		t.Fatalf("encode %s: %v", enc, err)
	}
	return out
}

// readAll reads a file with Read and collects its rows.
func readAll(t *testing.T, data []byte, name string, opt batch.Options) (batch.Header, []batch.Row, error) {
	t.Helper()
	var rows []batch.Row
	h, err := batch.Read(bytes.NewReader(data), name, opt, func(r batch.Row) error {
		rows = append(rows, r)
		return nil
	})
	return h, rows, err
}

// mustRead is readAll that fails the test on an error.
func mustRead(t *testing.T, data []byte, name string, opt batch.Options) (batch.Header, []batch.Row) {
	t.Helper()
	h, rows, err := readAll(t, data, name, opt)
	if err != nil {
		t.Fatalf("Read %s: %v", name, err)
	}
	return h, rows
}

// fileError asserts that err is a *batch.FileError with the key and returns it.
func fileError(t *testing.T, err error, key string) *batch.FileError {
	t.Helper()
	var fe *batch.FileError
	if !errors.As(err, &fe) {
		t.Fatalf("error = %v (%T), want a *FileError %s", err, err, key)
	}
	if fe.Key != key {
		t.Fatalf("error key = %s (%v), want %s", fe.Key, fe, key)
	}
	return fe
}

// openpyxl returns a Python interpreter that has openpyxl, or skips (fails in CI).
func openpyxl(t testing.TB) string {
	t.Helper()
	for _, py := range []string{"python3", "/usr/bin/python3"} {
		if path, err := exec.LookPath(py); err == nil {
			if exec.Command(path, "-c", "import openpyxl").Run() == nil {
				return path
			}
		}
	}
	if testenv.InCI() {
		t.Fatal("python3 with openpyxl is missing: apt-get install -y python3-openpyxl")
	}
	t.Skip("python3 with openpyxl is missing (apt-get install -y python3-openpyxl)")
	return ""
}

// runPython runs a script with openpyxl and returns the bytes of the file it writes to argv[1].
func runPython(t testing.TB, script string) []byte {
	t.Helper()
	py := openpyxl(t)
	dir := t.TempDir()
	src := filepath.Join(dir, "make.py")
	out := filepath.Join(dir, "out.xlsx")
	if err := os.WriteFile(src, []byte(script), 0o600); err != nil {
		t.Fatal(err)
	}
	if msg, err := exec.Command(py, src, out).CombinedOutput(); err != nil {
		t.Fatalf("python: %v\n%s", err, msg)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// must fails the test when a step of its set-up (what) failed.
func must(t testing.TB, what string, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

func writeFile(path string, data []byte) error { return os.WriteFile(path, data, 0o600) }

// runScript runs a Python script with arguments and returns its standard output.
func runScript(t testing.TB, py, script string, args ...string) []byte {
	t.Helper()
	src := filepath.Join(t.TempDir(), "script.py")
	if err := os.WriteFile(src, []byte(script), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(py, append([]string{src}, args...)...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("python: %v\n%s", err, stderr.String())
	}
	return out
}
