/* The topic-vector features in C: excise.topics.TopicTable.similarity_python, bit for bit.
 *
 *   per unit      the sum of its words' fixed-point vectors (int16 rows of the table; row 0 for a word
 *                 without one), in int64: exact;
 *   per document  the sum of its units' vectors, and for each unit the sum over the units within WINDOW
 *                 of it (itself included): exact; "far" is the document's sum minus that window, "near"
 *                 the window minus the unit;
 *   cosines       norms and dot products in double, each a sequential sum over the dimensions of
 *                 (double)a[j] * (double)b[j], as the Python reference adds its columns one after the
 *                 other; 0 where either vector is all zeros. Built with -ffp-contract=off (setup.py): a
 *                 fused multiply-add would round once where the reference rounds twice.
 *
 * Documents are taken one at a time, so a document's values never depend on the batch around it.
 */

#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

static double cosine(const int64_t *a, const int64_t *b, Py_ssize_t dims) {
    double aa = 0.0, bb = 0.0, ab = 0.0;
    for (Py_ssize_t j = 0; j < dims; j++) {
        double x = (double)a[j], y = (double)b[j];
        aa += x * x;
        bb += y * y;
        ab += x * y;
    }
    double na = sqrt(aa), nb = sqrt(bb);
    if (!(na > 0.0) || !(nb > 0.0)) return 0.0;
    return ab / (na * nb);
}

/* the buffer behind a contiguous numpy array of the given item size and number of dimensions */
static int get_array(PyObject *obj, Py_buffer *view, Py_ssize_t itemsize, int ndim, const char *what) {
    if (PyObject_GetBuffer(obj, view, PyBUF_C_CONTIGUOUS | PyBUF_FORMAT | PyBUF_ND) < 0) return -1;
    if (view->itemsize != itemsize || view->ndim != ndim) {
        PyErr_Format(PyExc_TypeError, "%s: expected a contiguous %d-dimensional array of %zd-byte items", what, ndim,
                     itemsize);
        PyBuffer_Release(view);
        return -1;
    }
    return 0;
}

static PyObject *similarity(PyObject *module, PyObject *const *args, Py_ssize_t nargs) {
    (void)module;
    if (nargs != 6) {
        PyErr_SetString(PyExc_TypeError,
                        "similarity(rows, starts, ends, bounds, table, window) takes exactly six arguments");
        return NULL;
    }
    PyObject *result = NULL;
    Py_ssize_t window = PyLong_AsSsize_t(args[5]);
    if (window < 0) {
        if (!PyErr_Occurred()) PyErr_SetString(PyExc_ValueError, "window must be >= 0");
        return NULL;
    }
    Py_buffer rows_v, starts_v, ends_v, bounds_v, table_v;
    if (get_array(args[0], &rows_v, 8, 1, "rows") < 0) return NULL;
    if (get_array(args[1], &starts_v, 8, 1, "starts") < 0) goto fail_rows;
    if (get_array(args[2], &ends_v, 8, 1, "ends") < 0) goto fail_starts;
    if (get_array(args[3], &bounds_v, 8, 1, "bounds") < 0) goto fail_ends;
    if (get_array(args[4], &table_v, 2, 2, "table") < 0) goto fail_bounds;

    const int64_t *rows = rows_v.buf, *starts = starts_v.buf, *ends = ends_v.buf, *bounds = bounds_v.buf;
    const int16_t *table = table_v.buf;
    Py_ssize_t n_words = rows_v.shape[0], n = starts_v.shape[0], n_docs = bounds_v.shape[0] - 1;
    Py_ssize_t n_rows = table_v.shape[0], dims = table_v.shape[1];
    if (ends_v.shape[0] != n || n_docs < 0 || bounds[0] != 0 || bounds[n_docs] != n) {
        PyErr_SetString(PyExc_ValueError, "starts, ends and bounds do not describe the same units");
        goto done;
    }
    for (Py_ssize_t u = 0; u < n; u++) {
        if (starts[u] < 0 || ends[u] < starts[u] || ends[u] > n_words) {
            PyErr_SetString(PyExc_ValueError, "a unit's words lie outside rows");
            goto done;
        }
    }
    for (Py_ssize_t d = 0; d < n_docs; d++) {
        if (bounds[d + 1] < bounds[d]) {
            PyErr_SetString(PyExc_ValueError, "bounds must not decrease");
            goto done;
        }
    }
    for (Py_ssize_t w = 0; w < n_words; w++) {
        if (rows[w] < 0 || rows[w] >= n_rows) {
            PyErr_SetString(PyExc_ValueError, "a word's row lies outside the table");
            goto done;
        }
    }
    result = PyBytes_FromStringAndSize(NULL, (Py_ssize_t)sizeof(double) * 3 * n);
    if (!result) goto done;
    double *out = (double *)PyBytes_AS_STRING(result);
    /* the units' vectors (n x dims), then running sums over each document (n + 1 rows, reused per document),
       and one vector of scratch for the document's far side */
    int64_t *vec = PyMem_Calloc((size_t)(n ? n : 1) * (size_t)(dims ? dims : 1), sizeof(int64_t));
    int64_t *run = PyMem_Calloc((size_t)(n + 1) * (size_t)(dims ? dims : 1), sizeof(int64_t));
    int64_t *other = PyMem_Calloc((size_t)(dims ? dims : 1), sizeof(int64_t));
    int64_t *near = PyMem_Calloc((size_t)(dims ? dims : 1), sizeof(int64_t));
    if (!vec || !run || !other || !near) {
        PyMem_Free(vec);
        PyMem_Free(run);
        PyMem_Free(other);
        PyMem_Free(near);
        Py_CLEAR(result);
        PyErr_NoMemory();
        goto done;
    }
    Py_BEGIN_ALLOW_THREADS
    for (Py_ssize_t u = 0; u < n; u++) {
        int64_t *v = vec + u * dims;
        int known = 0;
        for (int64_t w = starts[u]; w < ends[u]; w++) {
            int64_t r = rows[w];
            if (r == 0) continue;
            known = 1;
            const int16_t *t = table + r * dims;
            for (Py_ssize_t j = 0; j < dims; j++) v[j] += t[j];
        }
        out[3 * u + 2] = known ? 1.0 : 0.0;
    }
    for (Py_ssize_t d = 0; d < n_docs; d++) {
        Py_ssize_t a = (Py_ssize_t)bounds[d], b = (Py_ssize_t)bounds[d + 1];
        /* run[k] = sum of the document's first k units */
        memset(run, 0, sizeof(int64_t) * (size_t)dims);
        for (Py_ssize_t k = 0; k < b - a; k++)
            for (Py_ssize_t j = 0; j < dims; j++) run[(k + 1) * dims + j] = run[k * dims + j] + vec[(a + k) * dims + j];
        const int64_t *total = run + (b - a) * dims;
        for (Py_ssize_t k = 0; k < b - a; k++) {
            Py_ssize_t lo = k - window < 0 ? 0 : k - window;
            Py_ssize_t hi = k + window + 1 > b - a ? b - a : k + window + 1;
            const int64_t *v = vec + (a + k) * dims;
            for (Py_ssize_t j = 0; j < dims; j++) {
                int64_t around = run[hi * dims + j] - run[lo * dims + j];
                other[j] = total[j] - around;
                near[j] = around - v[j];
            }
            out[3 * (a + k)] = cosine(v, other, dims);
            out[3 * (a + k) + 1] = cosine(v, near, dims);
        }
    }
    Py_END_ALLOW_THREADS
    PyMem_Free(vec);
    PyMem_Free(run);
    PyMem_Free(other);
    PyMem_Free(near);
done:
    PyBuffer_Release(&table_v);
fail_bounds:
    PyBuffer_Release(&bounds_v);
fail_ends:
    PyBuffer_Release(&ends_v);
fail_starts:
    PyBuffer_Release(&starts_v);
fail_rows:
    PyBuffer_Release(&rows_v);
    return result;
}

static PyMethodDef methods[] = {
    {"similarity", (PyCFunction)(void (*)(void))similarity, METH_FASTCALL,
     "similarity(rows, starts, ends, bounds, table, window) -> bytes of n x 3 float64: per unit the cosine of\n"
     "its topic vector with its document's beyond `window` units, with those within, and whether it has one.\n"
     "rows: int64 per word (0: no vector); starts/ends: int64 per unit, its words; bounds: int64, the\n"
     "documents' first units and the number of units; table: int16 (rows x dims), row 0 all zeros."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "excise._topics", "The topic-vector features (see excise.topics).", -1, methods,
    NULL, NULL, NULL, NULL,
};

PyMODINIT_FUNC PyInit__topics(void) { return PyModule_Create(&module); }
