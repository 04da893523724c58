package testenv

import (
	"crypto/sha1"
	"encoding/base64"
	"encoding/xml"
	"strings"
)

// SecurityHeader is a SOAP header with a WS-Security UsernameToken signed as PasswordDigest,
// base64(sha1(nonce + created + key)), marked mustUnderstand, as EC-Ship clients send it.
func SecurityHeader(user, key string, nonce []byte, created string) string {
	h := sha1.New()
	h.Write(nonce)
	h.Write([]byte(created))
	h.Write([]byte(key))
	esc := func(s string) string {
		var b strings.Builder
		xml.EscapeText(&b, []byte(s))
		return b.String()
	}
	return `<soapenv:Header><wsse:Security soapenv:mustUnderstand="1" xmlns:wsse="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd" xmlns:wsu="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd"><wsse:UsernameToken>` +
		`<wsse:Username>` + esc(user) + `</wsse:Username>` +
		`<wsse:Password Type="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0#PasswordDigest">` + base64.StdEncoding.EncodeToString(h.Sum(nil)) + `</wsse:Password>` +
		`<wsse:Nonce>` + base64.StdEncoding.EncodeToString(nonce) + `</wsse:Nonce><wsu:Created>` + esc(created) + `</wsu:Created>` +
		`</wsse:UsernameToken></wsse:Security></soapenv:Header>`
}
