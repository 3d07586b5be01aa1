/* The counting core of HashingEmbedder (embedding.py), in C.
 *
 * embedding.py keeps the reference implementation in numpy; for the 5-10 short texts of
 * one request its two dozen array operations cost about 300 us of per-call overhead,
 * where this loop costs a few microseconds. The arithmetic is the same, operation for
 * operation (wrapping uint64 polynomial hashes, the same mix, buckets and signs, counts
 * summed as doubles, the caller's signed-log1p table, a float64 norm, a float32 result),
 * and tests/signals/test_embedding.py checks both give the same vectors.
 *
 * embed_rows(texts, out, table, dim, shift, sizes_mask, max_n, words_repeat)
 *   texts: sequence of str, each already lower-cased (str.lower) and cut; folded here as
 *          embedding._fold does (every run of characters that are not alphanumeric to
 *          one space, a space at each end) and counted over its UTF-8 bytes
 *   out:   writable C-contiguous float32 buffer of len(texts) * dim cells
 *   table: float64 buffer of 2h+1 cells, table[c + h] = sign(c) * log1p(|c|)
 *   shift: > 0 when dim is a power of two (bucket = hash >> shift), else 0
 *   sizes_mask: bit n set for each n-gram size n; max_n: the largest size
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static const uint64_t BASE = 1099511628211ULL; /* FNV-1a 64-bit prime */
static const uint64_t MIX = 0x9E3779B97F4A7C15ULL;

static uint32_t crc_table[256];

static void build_crc_table(void) {
    for (uint32_t n = 0; n < 256; n++) {
        uint32_t c = n;
        for (int k = 0; k < 8; k++) c = (c & 1) ? 0xEDB88320U ^ (c >> 1) : c >> 1;
        crc_table[n] = c;
    }
}

/* zlib.crc32 of a byte string (the IEEE 802.3 CRC). */
static uint32_t crc32_of(const unsigned char *p, Py_ssize_t n) {
    uint32_t c = 0xFFFFFFFFU;
    for (Py_ssize_t i = 0; i < n; i++) c = crc_table[(c ^ p[i]) & 0xFF] ^ (c >> 8);
    return c ^ 0xFFFFFFFFU;
}

/* bytes.split() separators: ASCII whitespace. */
static int is_space(unsigned char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\x0b' || c == '\x0c';
}

typedef struct {
    double *counts;
    uint64_t *touched; /* one bit per bucket: the few hundred a short text reaches */
    Py_ssize_t dim;
    int shift;
} Row;

static inline void add_hash(Row *row, uint64_t h, double weight) {
    h *= MIX;
    h ^= h >> 29;
    Py_ssize_t bucket =
        row->shift > 0 ? (Py_ssize_t)(h >> row->shift) : (Py_ssize_t)((h >> 32) % (uint64_t)row->dim);
    double sign = 1.0 - 2.0 * (double)((h >> 31) & 1U);
    row->counts[bucket] += sign * weight;
    row->touched[bucket >> 6] |= 1ULL << (bucket & 63);
}

static void count_text(Row *row, const unsigned char *p, Py_ssize_t n, unsigned long sizes_mask,
                       int max_n, int words_repeat) {
    for (Py_ssize_t i = 0; i < n; i++) {
        uint64_t h = p[i];
        for (int len = 2; len <= max_n && i + len <= n; len++) {
            h = h * BASE + p[i + len - 1];
            if (sizes_mask & (1UL << len)) add_hash(row, h, 1.0);
        }
    }
    Py_ssize_t i = 0;
    while (i < n) {
        while (i < n && is_space(p[i])) i++;
        Py_ssize_t start = i;
        while (i < n && !is_space(p[i])) i++;
        if (i > start) {
            /* A word counts as words_repeat n-grams (same bucket, same sign). */
            add_hash(row, crc32_of(p + start, i - start), (double)words_repeat);
        }
    }
}

/* The UTF-8 bytes of `" " + re.sub(r"[\W_]+", " ", text).strip() + " "`: re's \w is
 * Py_UNICODE_ISALNUM or "_", so [\W_] is "not alphanumeric". Characters that are not
 * alphanumeric (surrogates among them) never reach the encoder. Returns the length, or
 * -1 with an exception set. */
static Py_ssize_t fold_text(PyObject *text, unsigned char **buf, Py_ssize_t *cap) {
    if (PyUnicode_READY(text) < 0) return -1;
    Py_ssize_t n = PyUnicode_GET_LENGTH(text);
    if (n > (PY_SSIZE_T_MAX - 2) / 4) {
        PyErr_NoMemory();
        return -1;
    }
    Py_ssize_t need = 4 * n + 2;
    if (need > *cap) {
        unsigned char *grown = (unsigned char *)realloc(*buf, (size_t)need);
        if (grown == NULL) {
            PyErr_NoMemory();
            return -1;
        }
        *buf = grown;
        *cap = need;
    }
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    unsigned char *o = *buf;
    Py_ssize_t len = 0;
    int gap = 0, words = 0;
    o[len++] = ' ';
    for (Py_ssize_t i = 0; i < n; i++) {
        Py_UCS4 ch = PyUnicode_READ(kind, data, i);
        if (!Py_UNICODE_ISALNUM(ch)) {
            gap = 1;
            continue;
        }
        if (gap && words) o[len++] = ' ';
        gap = 0;
        words = 1;
        if (ch < 0x80) {
            o[len++] = (unsigned char)ch;
        } else if (ch < 0x800) {
            o[len++] = (unsigned char)(0xC0 | (ch >> 6));
            o[len++] = (unsigned char)(0x80 | (ch & 0x3F));
        } else if (ch < 0x10000) {
            o[len++] = (unsigned char)(0xE0 | (ch >> 12));
            o[len++] = (unsigned char)(0x80 | ((ch >> 6) & 0x3F));
            o[len++] = (unsigned char)(0x80 | (ch & 0x3F));
        } else {
            o[len++] = (unsigned char)(0xF0 | (ch >> 18));
            o[len++] = (unsigned char)(0x80 | ((ch >> 12) & 0x3F));
            o[len++] = (unsigned char)(0x80 | ((ch >> 6) & 0x3F));
            o[len++] = (unsigned char)(0x80 | (ch & 0x3F));
        }
    }
    o[len++] = ' ';
    return len;
}

static PyObject *embed_rows(PyObject *self, PyObject *args) {
    PyObject *texts;
    Py_buffer out, table;
    Py_ssize_t dim;
    int shift, max_n, words_repeat;
    unsigned long sizes_mask;
    if (!PyArg_ParseTuple(args, "Ow*y*nikii", &texts, &out, &table, &dim, &shift, &sizes_mask,
                          &max_n, &words_repeat))
        return NULL;
    PyObject *seq = NULL;
    double *counts = NULL;
    uint64_t *touched = NULL;
    unsigned char *folded = NULL;
    Py_ssize_t folded_cap = 0;
    PyObject *result = NULL;
    seq = PySequence_Fast(texts, "texts must be a sequence of bytes");
    if (seq == NULL) goto done;
    Py_ssize_t k = PySequence_Fast_GET_SIZE(seq);
    Py_ssize_t half = (table.len / (Py_ssize_t)sizeof(double) - 1) / 2;
    if (dim < 1 || max_n > 62 || shift < 0 || shift > 63 ||
        out.len != k * dim * (Py_ssize_t)sizeof(float) || half < 0) {
        PyErr_SetString(PyExc_ValueError, "embed_rows: inconsistent sizes");
        goto done;
    }
    Py_ssize_t words = (dim + 63) / 64;
    counts = (double *)calloc((size_t)dim, sizeof(double));
    touched = (uint64_t *)calloc((size_t)words, sizeof(uint64_t));
    if (counts == NULL || touched == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    const double *log_table = (const double *)table.buf;
    float *rows = (float *)out.buf;
    for (Py_ssize_t t = 0; t < k; t++) {
        PyObject *item = PySequence_Fast_GET_ITEM(seq, t);
        if (!PyUnicode_Check(item)) {
            PyErr_SetString(PyExc_TypeError, "embed_rows: texts must be str");
            goto done;
        }
        Py_ssize_t folded_len = fold_text(item, &folded, &folded_cap);
        if (folded_len < 0) goto done;
        Row row = {counts, touched, dim, shift};
        count_text(&row, folded, folded_len, sizes_mask, max_n, words_repeat);
        /* Only the touched buckets, in index order: an untouched one adds +0.0 to the
         * norm and gets +0.0 in the row, so the result is that of a pass over all dim
         * buckets (a short text touches a few hundred of 1024). */
        double norm2 = 0.0;
        for (Py_ssize_t w = 0; w < words; w++) {
            for (uint64_t bits = touched[w]; bits; bits &= bits - 1) {
                Py_ssize_t j = w * 64 + __builtin_ctzll(bits);
                double c = counts[j];
                double v;
                if (c > -(double)half && c < (double)half) {
                    v = log_table[(Py_ssize_t)c + half];
                } else {
                    v = c > 0 ? log1p(c) : -log1p(-c);
                }
                counts[j] = v;
                norm2 += v * v;
            }
        }
        double norm = sqrt(norm2);
        if (norm == 0.0) norm = 1.0;
        float *dst = rows + t * dim;
        memset(dst, 0, (size_t)dim * sizeof(float));
        for (Py_ssize_t w = 0; w < words; w++) {
            for (uint64_t bits = touched[w]; bits; bits &= bits - 1) {
                Py_ssize_t j = w * 64 + __builtin_ctzll(bits);
                dst[j] = (float)(counts[j] / norm);
                counts[j] = 0.0;
            }
            touched[w] = 0;
        }
    }
    result = Py_None;
    Py_INCREF(result);
done:
    free(counts);
    free(touched);
    free(folded);
    Py_XDECREF(seq);
    PyBuffer_Release(&out);
    PyBuffer_Release(&table);
    return result;
}

static PyMethodDef methods[] = {
    {"embed_rows", embed_rows, METH_VARARGS, "Fill `out` with the hashed embeddings of `texts`."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "_hashembed", "HashingEmbedder's counting core.", -1, methods,
};

PyMODINIT_FUNC PyInit__hashembed(void) {
    build_crc_table();
    return PyModule_Create(&module);
}
