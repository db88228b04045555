/* The pre-screen's inner loop in C: folded UTF-8 bytes -> (best window score, obfuscated).
 *
 * excise.screen holds the reference in Python; this file computes exactly the same
 * two values, in one pass over the bytes and without a Python object per word:
 *
 *   words     ASCII punctuation except the apostrophe is blanked, then the bytes are
 *             split at ASCII whitespace (what bytes.translate + bytes.split do);
 *   weights   each word weighs its entry in the table, or the floor;
 *   score     the largest sum over WINDOW consecutive words, with the sums taken as
 *             differences of a running (sequential) sum, as numpy.cumsum does;
 *             the sum of all words when there are at most WINDOW; -1e9 without words;
 *   obfuscated  a letter followed by l33t digits [013457]+ and two letters, or
 *             SPACED single-letter words a-z in a row.
 *
 * The table is an open-addressing hash set of the spam-leaning words, built once per
 * Screen from a dict of bytes -> float.
 */

#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    uint64_t hash;  /* 0: empty slot */
    const char *word;
    Py_ssize_t len;
    double weight;
} Slot;

/* a bit per value of FILTER_BITS bits of a word's hash, set for the table's words: most words of a text are
   not in the table, and one look at this 128 KB filter (which stays in cache) turns them away */
#define FILTER_BITS 20
#define FILTER_KEY(h) ((size_t)((h) >> 40) & ((1u << FILTER_BITS) - 1))

typedef struct {
    PyObject_HEAD
    uint64_t *filter;
    Slot *slots;
    size_t mask;
    char *arena;  /* all words, back to back */
    double floor;
    Py_ssize_t window;
    Py_ssize_t spaced;
} TableObject;

/* byte classes: 1 separator (ASCII whitespace or blanked punctuation), 0 part of a word */
static unsigned char separator[256];

static void init_classes(void) {
    const char *punct = "!\"#$%&()*+,-./:;<=>?@[\\]^_`{|}~";  /* string.punctuation without "'" */
    const char *space = " \t\n\r\x0b\x0c";                   /* what bytes.split() splits at */
    memset(separator, 0, sizeof separator);
    for (const char *p = punct; *p; p++) separator[(unsigned char)*p] = 1;
    for (const char *p = space; *p; p++) separator[(unsigned char)*p] = 1;
}

static uint64_t hash_bytes(const char *s, Py_ssize_t n) {
    uint64_t h = 1469598103934665603ULL;  /* FNV-1a */
    for (Py_ssize_t i = 0; i < n; i++) {
        h ^= (unsigned char)s[i];
        h *= 1099511628211ULL;
    }
    return h ? h : 1;
}

/* the weight of word s[0:n] whose hash_bytes() is h, or the floor */
static double lookup(const TableObject *t, const char *s, Py_ssize_t n, uint64_t h) {
    size_t key = FILTER_KEY(h);
    if (!(t->filter[key >> 6] >> (key & 63) & 1)) return t->floor;
    size_t i = (size_t)h & t->mask;
    for (;;) {
        const Slot *slot = &t->slots[i];
        if (slot->hash == 0) return t->floor;
        if (slot->hash == h && slot->len == n && memcmp(slot->word, s, (size_t)n) == 0) return slot->weight;
        i = (i + 1) & t->mask;
    }
}

static void Table_dealloc(TableObject *self) {
    PyMem_Free(self->filter);
    PyMem_Free(self->slots);
    PyMem_Free(self->arena);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

static int Table_init(TableObject *self, PyObject *args, PyObject *kwds) {
    static char *kwlist[] = {"weights", "floor", "window", "spaced", NULL};
    PyObject *weights;
    double floor;
    Py_ssize_t window, spaced;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "O!dnn", kwlist, &PyDict_Type, &weights, &floor, &window, &spaced))
        return -1;
    if (window < 1 || spaced < 1) {
        PyErr_SetString(PyExc_ValueError, "window and spaced must be positive");
        return -1;
    }
    PyMem_Free(self->filter);
    PyMem_Free(self->slots);
    PyMem_Free(self->arena);
    self->filter = NULL;
    self->slots = NULL;
    self->arena = NULL;
    self->floor = floor;
    self->window = window;
    self->spaced = spaced;

    Py_ssize_t count = PyDict_Size(weights), total = 0, pos = 0;
    PyObject *key, *value;
    while (PyDict_Next(weights, &pos, &key, &value)) {
        if (!PyBytes_Check(key)) {
            PyErr_SetString(PyExc_TypeError, "screen words must be bytes");
            return -1;
        }
        total += PyBytes_GET_SIZE(key);
    }
    size_t size = 16;
    while (size < (size_t)count * 2 + 1) size <<= 1;
    self->filter = PyMem_Calloc((size_t)1 << (FILTER_BITS - 6), sizeof(uint64_t));
    self->slots = PyMem_Calloc(size, sizeof(Slot));
    self->arena = PyMem_Malloc((size_t)total + 1);
    if (!self->filter || !self->slots || !self->arena) {
        PyErr_NoMemory();
        return -1;
    }
    self->mask = size - 1;
    char *at = self->arena;
    pos = 0;
    while (PyDict_Next(weights, &pos, &key, &value)) {
        double w = PyFloat_AsDouble(value);
        if (w == -1.0 && PyErr_Occurred()) return -1;
        Py_ssize_t n = PyBytes_GET_SIZE(key);
        memcpy(at, PyBytes_AS_STRING(key), (size_t)n);
        uint64_t h = hash_bytes(at, n);
        size_t i = (size_t)h & self->mask;
        while (self->slots[i].hash != 0) {
            Slot *s = &self->slots[i];
            if (s->hash == h && s->len == n && memcmp(s->word, at, (size_t)n) == 0) break;  /* cannot happen */
            i = (i + 1) & self->mask;
        }
        self->slots[i] = (Slot){h, at, n, w};
        size_t key = FILTER_KEY(h);
        self->filter[key >> 6] |= (uint64_t)1 << (key & 63);
        at += n;
    }
    return 0;
}

/* a letter a-z, then one or more of 0 1 3 4 5 7, then two letters a-z */
static int has_leet(const unsigned char *s, Py_ssize_t n) {
    for (Py_ssize_t i = 1; i < n; i++) {
        unsigned char c = s[i];
        if (!(c == '0' || c == '1' || c == '3' || c == '4' || c == '5' || c == '7')) continue;
        if (!(s[i - 1] >= 'a' && s[i - 1] <= 'z')) continue;
        Py_ssize_t j = i;
        while (j < n && (s[j] == '0' || s[j] == '1' || s[j] == '3' || s[j] == '4' || s[j] == '5' || s[j] == '7'))
            j++;
        if (j + 1 < n && s[j] >= 'a' && s[j] <= 'z' && s[j + 1] >= 'a' && s[j + 1] <= 'z') return 1;
        i = j - 1;  /* the digits in between cannot start a match after a letter */
    }
    return 0;
}

static PyObject *Table_scan(TableObject *self, PyObject *arg) {
    Py_buffer view;
    if (PyObject_GetBuffer(arg, &view, PyBUF_SIMPLE) < 0) return NULL;
    const unsigned char *s = view.buf;
    Py_ssize_t n = view.len, window = self->window;
    /* ring of the last `window` running sums: sums[k % window] is the running sum after word k */
    double *ring = PyMem_Malloc(sizeof(double) * (size_t)window);
    if (!ring) {
        PyBuffer_Release(&view);
        return PyErr_NoMemory();
    }
    double running = 0.0, best = 0.0;
    Py_ssize_t words = 0, run = 0;
    int spaced = 0;
    Py_BEGIN_ALLOW_THREADS
    Py_ssize_t i = 0, slot = 0;  /* slot == words % window */
    while (i < n) {
        while (i < n && separator[s[i]]) i++;
        if (i >= n) break;
        Py_ssize_t start = i;
        uint64_t h = 1469598103934665603ULL;  /* hash_bytes(), computed while the word is read */
        while (i < n && !separator[s[i]]) {
            h ^= s[i++];
            h *= 1099511628211ULL;
        }
        Py_ssize_t len = i - start;
        if (len == 1 && s[start] >= 'a' && s[start] <= 'z') {
            if (++run >= self->spaced) spaced = 1;
        } else {
            run = 0;
        }
        running += lookup(self, (const char *)s + start, len, h ? h : 1);
        /* the window ending at this word: running - running sum `window` words back */
        if (words == window - 1) {
            best = running;
        } else if (words >= window) {
            double sum = running - ring[slot];
            if (sum > best) best = sum;
        }
        ring[slot] = running;
        if (++slot == window) slot = 0;
        words++;
    }
    Py_END_ALLOW_THREADS
    PyMem_Free(ring);
    if (words == 0) best = -1e9;
    else if (words < window) best = running;
    int leet = has_leet(s, n);
    PyBuffer_Release(&view);
    return Py_BuildValue("dOn", best, (leet || spaced) ? Py_True : Py_False, words);
}

static PyMethodDef Table_methods[] = {
    {"scan", (PyCFunction)Table_scan, METH_O,
     "scan(folded: bytes) -> (best window score, obfuscated, number of words)"},
    {NULL, NULL, 0, NULL},
};

static PyTypeObject TableType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "excise._screen.Table",
    .tp_doc = "Table(weights: dict[bytes, float], floor, window, spaced): the pre-screen's word weights",
    .tp_basicsize = sizeof(TableObject),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_new = PyType_GenericNew,
    .tp_init = (initproc)Table_init,
    .tp_dealloc = (destructor)Table_dealloc,
    .tp_methods = Table_methods,
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "excise._screen", "The pre-screen's inner loop (see excise.screen).", -1,
    NULL, NULL, NULL, NULL, NULL,
};

PyMODINIT_FUNC PyInit__screen(void) {
    init_classes();
    if (PyType_Ready(&TableType) < 0) return NULL;
    PyObject *m = PyModule_Create(&module);
    if (!m) return NULL;
    Py_INCREF(&TableType);
    if (PyModule_AddObject(m, "Table", (PyObject *)&TableType) < 0) {
        Py_DECREF(&TableType);
        Py_DECREF(m);
        return NULL;
    }
    return m;
}
