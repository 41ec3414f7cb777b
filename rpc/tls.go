package rpc

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"os"
)

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
		pem, err := os.ReadFile(f.CA)
		if err != nil {
			return nil, fmt.Errorf("--tls-ca: cannot read %s: %v", f.CA, unwrapPath(err))
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
		pair, err := tls.LoadX509KeyPair(f.Cert, f.Key)
		if err != nil {
			return nil, fmt.Errorf("--tls-cert/--tls-key: cannot load %s and %s: %v", f.Cert, f.Key, unwrapPath(err))
		}
		cfg.Certificates = []tls.Certificate{pair}
	}
	return cfg, nil
}

// unwrapPath drops the path from an *os.PathError, which the caller already names.
func unwrapPath(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
