package rpc

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
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
		pem, err := readRegular(f.CA)
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
		certPEM, err := readRegular(f.Cert)
		if err != nil {
			return nil, fmt.Errorf("--tls-cert: %v", err)
		}
		keyPEM, err := readRegular(f.Key)
		if err != nil {
			return nil, fmt.Errorf("--tls-key: %v", err)
		}
		pair, err := tls.X509KeyPair(certPEM, keyPEM)
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

// maxPEM bounds a PEM file: a CA bundle of a few hundred certificates.
const maxPEM = 4 << 20

// readRegular reads a regular file of at most maxPEM bytes. A FIFO or device (/dev/stdin) would
// block before any deadline applies, so it is refused.
func readRegular(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("cannot read %s: %v", path, unwrapPath(err))
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("cannot read %s: %v", path, unwrapPath(err))
	}
	if !info.Mode().IsRegular() {
		return nil, fmt.Errorf("%s is not a regular file", path)
	}
	data, err := io.ReadAll(io.LimitReader(f, maxPEM+1))
	if err != nil {
		return nil, fmt.Errorf("cannot read %s: %v", path, unwrapPath(err))
	}
	if len(data) > maxPEM {
		return nil, fmt.Errorf("%s is larger than %d bytes", path, maxPEM)
	}
	return data, nil
}
