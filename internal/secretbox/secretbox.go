// Package secretbox seals short secrets (SOAP integrator passwords) for storage with AES-256-GCM under
// the server's key, because checking a WS-Security digest needs the password itself.
package secretbox

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// Box seals and opens with one key.
type Box struct{ aead cipher.AEAD }

// New makes a box from a 32-byte key.
func New(key []byte) (*Box, error) {
	if len(key) != 32 {
		return nil, errors.New("secretbox: the key must be 32 bytes")
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	return &Box{aead: aead}, nil
}

// Seal encrypts plain into base64 text (nonce first).
func (b *Box) Seal(plain string) string {
	nonce := make([]byte, b.aead.NonceSize())
	rand.Read(nonce)
	return "v1:" + base64.RawStdEncoding.EncodeToString(b.aead.Seal(nonce, nonce, []byte(plain), nil))
}

// Open decrypts what Seal made with the same key.
func (b *Box) Open(sealed string) (string, error) {
	raw, err := base64.RawStdEncoding.DecodeString(strings.TrimPrefix(sealed, "v1:"))
	if err != nil || !strings.HasPrefix(sealed, "v1:") || len(raw) < b.aead.NonceSize() {
		return "", errors.New("secretbox: not a sealed value")
	}
	plain, err := b.aead.Open(nil, raw[:b.aead.NonceSize()], raw[b.aead.NonceSize():], nil)
	if err != nil {
		return "", errors.New("secretbox: wrong key or damaged value")
	}
	return string(plain), nil
}

// Key reads the server key: base64 of 32 bytes in keyText (ECSHIP_SECRET_KEY) when given; otherwise
// the file dataDir/secret.key, made on first use. Processes sharing one database must share the key.
func Key(keyText, dataDir string) ([]byte, bool, error) {
	if keyText != "" {
		k, err := base64.StdEncoding.DecodeString(strings.TrimSpace(keyText))
		if err != nil || len(k) != 32 {
			return nil, false, errors.New("ECSHIP_SECRET_KEY must be 32 bytes in base64 (openssl rand -base64 32)")
		}
		return k, false, nil
	}
	path := filepath.Join(dataDir, "secret.key")
	if b, err := os.ReadFile(path); err == nil {
		k, err := base64.StdEncoding.DecodeString(strings.TrimSpace(string(b)))
		if err != nil || len(k) != 32 {
			return nil, false, fmt.Errorf("%s is not 32 bytes in base64", path)
		}
		return k, false, nil
	}
	k := make([]byte, 32)
	rand.Read(k)
	if err := os.MkdirAll(dataDir, 0o750); err != nil {
		return nil, false, err
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		if os.IsExist(err) { // another process made it first
			return Key("", dataDir)
		}
		return nil, false, err
	}
	defer f.Close()
	_, err = f.WriteString(base64.StdEncoding.EncodeToString(k) + "\n")
	return k, true, err
}
