/* The piece count of tokens.py's estimate, in C.
 *
 * tokens.py counts the matches of [^\W\d_]{1,6}|\d{1,3}|[^\w\s]|_ with re.findall, which
 * builds a string per piece; on a request's prompt and answer that was about 4 % of the
 * pipeline under load. The classes are disjoint, so the count is, over maximal runs:
 * ceil(letters / 6) + ceil(digits / 3) + one per other non-space character. The classes
 * are re's own for str patterns: \w is Py_UNICODE_ISALNUM or "_", \d is
 * Py_UNICODE_ISDECIMAL, \s is Py_UNICODE_ISSPACE. tests/signals/test_token_estimate.py checks
 * the two counts agree.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

enum { OTHER, LETTER, DIGIT, SPACE };

static int class_of(Py_UCS4 ch) {
    if (Py_UNICODE_ISDECIMAL(ch)) return DIGIT;
    if (Py_UNICODE_ISALNUM(ch)) return LETTER;
    if (Py_UNICODE_ISSPACE(ch)) return SPACE;
    return OTHER; /* punctuation, symbols, and "_" */
}

static PyObject *count_pieces(PyObject *self, PyObject *text) {
    if (!PyUnicode_Check(text)) {
        PyErr_SetString(PyExc_TypeError, "count_pieces: text must be str");
        return NULL;
    }
    if (PyUnicode_READY(text) < 0) return NULL;
    Py_ssize_t n = PyUnicode_GET_LENGTH(text);
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    Py_ssize_t pieces = 0, run = 0;
    int run_class = SPACE;
    for (Py_ssize_t i = 0; i <= n; i++) {
        int cls = i < n ? class_of(PyUnicode_READ(kind, data, i)) : SPACE;
        if (cls == run_class && (cls == LETTER || cls == DIGIT)) {
            run++;
            continue;
        }
        if (run_class == LETTER) pieces += (run + 5) / 6;
        if (run_class == DIGIT) pieces += (run + 2) / 3;
        if (cls == OTHER) pieces++;
        run_class = cls;
        run = 1;
    }
    return PyLong_FromSsize_t(pieces);
}

static PyMethodDef methods[] = {
    {"count_pieces", count_pieces, METH_O, "The number of token pieces of `text`."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "_tokens", "tokens.py's piece count.", -1, methods,
};

PyMODINIT_FUNC PyInit__tokens(void) { return PyModule_Create(&module); }
