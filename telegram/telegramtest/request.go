package telegramtest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strconv"
)

// maxUpload is Telegram's limit on a file a bot uploads (50 MB).
const maxUpload = 50 << 20

// parseRequest reads the parameters of an API call from the query string
// and from a form-encoded, multipart or JSON body, as Telegram accepts all
// of them. Nested JSON values (reply_markup, commands) come back as JSON
// text, the way form-encoding clients send them.
func parseRequest(r *http.Request) (url.Values, map[string]upload, error) {
	params := r.URL.Query()
	files := map[string]upload{}
	if r.Body == nil || r.Method == http.MethodGet {
		return params, files, nil
	}
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch ct {
	case "multipart/form-data":
		if err := r.ParseMultipartForm(maxUpload); err != nil {
			return nil, nil, fmt.Errorf("can't parse multipart body: %v", err)
		}
		for k, vs := range r.MultipartForm.Value {
			params[k] = append(params[k], vs...)
		}
		for field, fhs := range r.MultipartForm.File {
			if len(fhs) == 0 {
				continue
			}
			f, err := fhs[0].Open()
			if err != nil {
				return nil, nil, err
			}
			data, err := io.ReadAll(f)
			f.Close()
			if err != nil {
				return nil, nil, err
			}
			files[field] = upload{name: fhs[0].Filename, data: data}
		}
	case "application/json":
		body, err := io.ReadAll(io.LimitReader(r.Body, maxUpload))
		if err != nil {
			return nil, nil, err
		}
		if len(bytes.TrimSpace(body)) == 0 {
			return params, files, nil
		}
		var obj map[string]json.RawMessage
		if err := json.Unmarshal(body, &obj); err != nil {
			return nil, nil, errors.New("can't parse JSON object")
		}
		for k, raw := range obj {
			params.Set(k, jsonParam(raw))
		}
	default: // form-encoded, or no content type
		body, err := io.ReadAll(io.LimitReader(r.Body, maxUpload))
		if err != nil {
			return nil, nil, err
		}
		form, err := url.ParseQuery(string(body))
		if err != nil {
			return nil, nil, fmt.Errorf("can't parse form body: %v", err)
		}
		for k, vs := range form {
			params[k] = append(params[k], vs...)
		}
	}
	return params, files, nil
}

// jsonParam turns one JSON member into the text a form would carry: strings
// unquoted, numbers and booleans as written, objects and arrays as JSON.
func jsonParam(raw json.RawMessage) string {
	var str string
	if json.Unmarshal(raw, &str) == nil {
		return str
	}
	if string(raw) == "null" {
		return ""
	}
	return string(bytes.TrimSpace(raw))
}

// chatParam reads chat_id. A missing one is Telegram's "chat_id is empty";
// a @username the fake does not know is "chat not found".
func chatParam(w http.ResponseWriter, p url.Values) (int64, bool) {
	raw := p.Get("chat_id")
	if raw == "" {
		badRequest(w, "chat_id is empty")
		return 0, false
	}
	id, err := strconv.ParseInt(raw, 10, 64)
	if err != nil || id == 0 {
		badRequest(w, "chat not found")
		return 0, false
	}
	return id, true
}

// chatOf reads chat_id without answering; 0 when absent or not numeric.
func chatOf(p url.Values) int64 {
	id, _ := strconv.ParseInt(p.Get("chat_id"), 10, 64)
	return id
}

func intParam(p url.Values, key string) int {
	n, _ := strconv.Atoi(p.Get(key))
	return n
}

func boolParam(p url.Values, key string) bool {
	b, _ := strconv.ParseBool(p.Get(key))
	return b
}
