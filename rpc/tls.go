package rpc

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"

	"github.com/headprobe/headprobe/internal/fsx"
)

// maxPEM bounds a PEM file: a CA bundle of a few hundred certificates.
const maxPEM = 4 << 20

// TLSFiles names the files of a TLS configuration; all are optional.
type TLSFiles struct {
	CA         string // PEM bundle of CAs to trust instead of the system roots
	Cert, Key  string // client certificate and key, for servers that require one
	ServerName string // name to verify instead of the URL's host
}

// Config loads the files into a *tls.Config, or returns nil when none is set.
// Its errors name the flag and the file, never the file's content.
func (f TLSFiles) Config() (*tls.Config, error) {
	if f == (TLSFiles{}) {
		return nil, nil
	}
	cfg := &tls.Config{MinVersion: tls.VersionTLS12, ServerName: f.ServerName}
	if f.CA != "" {
		pem, err := fsx.ReadRegular(f.CA, maxPEM)
		if err != nil {
			return nil, fmt.Errorf("--tls-ca: %v", err)
		}
		cfg.RootCAs = x509.NewCertPool()
		if !cfg.RootCAs.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("--tls-ca: %s holds no PEM certificate", f.CA)
		}
	}
	switch {
	case f.Cert != "" && f.Key == "":
		return nil, errors.New("--tls-cert needs --tls-key")
	case f.Key != "" && f.Cert == "":
		return nil, errors.New("--tls-key needs --tls-cert")
	case f.Cert != "":
		certPEM, err := fsx.ReadRegular(f.Cert, maxPEM)
		if err != nil {
			return nil, fmt.Errorf("--tls-cert: %v", err)
		}
		keyPEM, err := fsx.ReadRegular(f.Key, maxPEM)
		if err != nil {
			return nil, fmt.Errorf("--tls-key: %v", err)
		}
		pair, err := tls.X509KeyPair(certPEM, keyPEM)
		if err != nil {
			return nil, fmt.Errorf("--tls-cert/--tls-key: cannot load %s and %s: %v", f.Cert, f.Key, err)
		}
		cfg.Certificates = []tls.Certificate{pair}
	}
	return cfg, nil
}

// KeyWarning is non-empty when the client key is readable by everyone, which is allowed but
// unwise, as for a JWT secret.
func (f TLSFiles) KeyWarning() string {
	if f.Key == "" {
		return ""
	}
	return readableByAll(f.Key)
}
