package secretbox

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// mustBox is a box on key, failing the test when key does not make one.
func mustBox(tb testing.TB, key []byte) *Box {
	tb.Helper()
	b, err := New(key)
	if err != nil {
		tb.Fatalf("box: %v", err)
	}
	return b
}

func TestSealOpen(t *testing.T) {
	k1, _, err := Key("", t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	b1 := mustBox(t, k1)
	sealed := b1.Seal("SHOPAPI2026PASSWORD1")
	if sealed == b1.Seal("SHOPAPI2026PASSWORD1") {
		t.Error("sealing twice gave the same text: the nonce is not fresh")
	}
	if got, err := b1.Open(sealed); err != nil || got != "SHOPAPI2026PASSWORD1" {
		t.Fatalf("Open = %q, %v", got, err)
	}
	k2, _, err := Key("", t.TempDir()) // whether it made the file: a fresh directory, so it did
	if err != nil {
		t.Fatal(err)
	}
	b2 := mustBox(t, k2)
	if _, err := b2.Open(sealed); err == nil {
		t.Error("another key opened the value")
	}
	if _, err := b1.Open(sealed[:len(sealed)-2] + "AA"); err == nil {
		t.Error("a damaged value opened")
	}
}

func TestKeyFileIsMadeOnceAndKept(t *testing.T) {
	dir := t.TempDir()
	k1, made, err := Key("", dir)
	if err != nil || !made {
		t.Fatalf("first key: made %v, %v", made, err)
	}
	k2, made, err := Key("", dir)
	if err != nil || made || !bytes.Equal(k1, k2) {
		t.Errorf("the key file was not reused: made %v, %v", made, err)
	}
	if fi, err := os.Stat(filepath.Join(dir, "secret.key")); err != nil {
		t.Errorf("key file: %v", err)
	} else if fi.Mode().Perm() != 0o600 {
		t.Errorf("key file mode %v; want 0600", fi.Mode().Perm())
	}
	if _, _, err := Key("not base64", dir); err == nil {
		t.Error("a bad ECSHIP_SECRET_KEY was accepted")
	}
	if k, _, err := Key("c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0MTI=", dir); err != nil || len(k) != 32 {
		t.Errorf("a good ECSHIP_SECRET_KEY: %v", err)
	}
}
