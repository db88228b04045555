/* excise._shape: the compiled form of excise.features.batch_shape_features_python.
 *
 * For each unit of a batch of documents it fills the four shape columns:
 *
 *   0  caps share: upper-case ASCII letters / ASCII letters of the unit (0 without letters)
 *   1  a match of _PHONE starts inside the unit
 *   2  a match of _MONEY starts inside the unit
 *   3  the unit holds a "!"
 *
 * The matches are those of re.finditer over the unit's whole document, as features.py finds them:
 * each search goes on where the last match ended, and the lookbehind and lookaheads see past the
 * unit's ends. The two expressions are implemented by hand below (each function names the part of
 * the expression it implements), reproducing what Python's re makes of them in a str pattern:
 *
 *   \d              Py_UNICODE_ISDECIMAL, i.e. str.isdecimal(): any Unicode decimal digit (Nd)
 *   \w              Py_UNICODE_ISALNUM or '_', i.e. str.isalnum() or '_'
 *   \s              Py_UNICODE_ISSPACE, i.e. str.isspace()
 *   \b              \w on one side and not on the other (the ends of the string count as not \w)
 *   re.IGNORECASE   a pattern letter matches every character whose simple lower case is that
 *                   letter; re's extra case-folding table has no entry for the letters of
 *                   "percent", so those are only the two ASCII cases. "$", "£", "€", "%" and "+"
 *                   are uncased and match only themselves.
 *
 * These are the macros that re's engine (_sre) uses itself, so the answers are those of the Python
 * the extension is built for. tests/test_shape_compiled.py holds the two implementations to the
 * same columns and checks every class above on every code point.
 */

#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <stdint.h>
#include <string.h>

/* --------------------------------------------------------------------------- character classes */

enum { WORD = 1, DIGIT = 2, SPACE = 4 };

/* the classes of the first 256 code points (all of a 1-byte str), filled at import (PyInit__shape) */
static unsigned char latin1_classes[256];

/* \w, \d and \s as _sre decides them (SRE_UNI_IS_WORD, SRE_UNI_IS_DIGIT, SRE_UNI_IS_SPACE); below 256 they
 * are looked up in latin1_classes */
static inline int
is_word(Py_UCS4 c)
{
    return c < 256 ? latin1_classes[c] & WORD : (Py_UNICODE_ISALNUM(c) || c == '_');
}

static inline int
is_digit(Py_UCS4 c)
{
    return c < 256 ? latin1_classes[c] & DIGIT : Py_UNICODE_ISDECIMAL(c);
}

static inline int
is_space(Py_UCS4 c)
{
    return c < 256 ? latin1_classes[c] & SPACE : Py_UNICODE_ISSPACE(c);
}

/* [\w.,] (_PHONE's lookbehind and lookahead) */
static inline int
is_word_dot_comma(Py_UCS4 c)
{
    return c == '.' || c == ',' || is_word(c);
}

/* [ \-./] (_PHONE's separator) */
static inline int
is_separator(Py_UCS4 c)
{
    return c == ' ' || c == '-' || c == '.' || c == '/';
}

/* [$\u00a3\u20ac] (_MONEY's currency signs) */
static inline int
is_currency(Py_UCS4 c)
{
    return c == '$' || c == 0x00a3 || c == 0x20ac;
}

/* the lower-case ASCII letter `letter` under re.IGNORECASE: _sre's LITERAL_UNI_IGNORE compares the
 * character's simple lower case with it */
static inline int
folds_to(Py_UCS4 c, char letter)
{
    if (c < 128) {
        return (c | 0x20) == (Py_UCS4)letter;
    }
    return Py_UNICODE_TOLOWER(c) == (Py_UCS4)letter;
}

/* --------------------------------------------------------------------------- one document */

typedef struct {
    int kind;           /* PyUnicode_KIND */
    const void *data;   /* PyUnicode_DATA */
    Py_ssize_t len;
} Text;

#define CH(t, i) PyUnicode_READ((t)->kind, (t)->data, (i))

/* whether text[i] exists and is \d (resp. \s, [ \-./], [\w.,]): past the end nothing matches */
static inline int
digit_at(const Text *t, Py_ssize_t i)
{
    return i < t->len && is_digit(CH(t, i));
}

static inline int
space_at(const Text *t, Py_ssize_t i)
{
    return i < t->len && is_space(CH(t, i));
}

static inline int
separator_at(const Text *t, Py_ssize_t i)
{
    return i < t->len && is_separator(CH(t, i));
}

static inline int
word_dot_comma_at(const Text *t, Py_ssize_t i)
{
    return i < t->len && is_word_dot_comma(CH(t, i));
}

/* _PHONE = r"(?<![\w.,])\+?\d(?:[ \-./]?\d){6,13}(?![\w.,]?\d)" tried at p (features.py writes it as
 * two branches, one starting with the "+" and one with the digit, for speed; they match the same).
 * On a match, its end goes to *end. */
static int
phone_at(const Text *t, Py_ssize_t p, Py_ssize_t *end)
{
    /* (?<![\w.,]): nothing before the start of the string */
    if (p > 0 && is_word_dot_comma(CH(t, p - 1))) {
        return 0;
    }
    Py_ssize_t q = p;
    /* \+?  (giving the "+" back would leave it where \d must match: no use backtracking into it) */
    if (CH(t, q) == '+') {
        q++;
    }
    /* \d */
    if (!digit_at(t, q)) {
        return 0;
    }
    q++;
    /* (?:[ \-./]?\d){6,13}: an iteration is a separator and a digit, or else a digit. It has no
     * other way to match (without its separator, the iteration would need a digit where the separator
     * stands), so backtracking can only give back whole iterations: the repetition ends at after[k]
     * for some k in 6..n, n the most iterations the text allows (at most 13). */
    Py_ssize_t after[14];
    int n = 0;
    while (n < 13) {
        if (separator_at(t, q) && digit_at(t, q + 1)) {
            q += 2;
        }
        else if (digit_at(t, q)) {
            q += 1;
        }
        else {
            break;
        }
        after[++n] = q;
    }
    /* greedy: the most iterations first, then one fewer at a time, until (?![\w.,]?\d) holds there.
     * [\w.,]?\d matches at e if text[e] is \d, or if text[e] is in [\w.,] and text[e + 1] is \d. */
    for (int k = n; k >= 6; k--) {
        Py_ssize_t e = after[k];
        if (!digit_at(t, e) && !(word_dot_comma_at(t, e) && digit_at(t, e + 1))) {
            *end = e;
            return 1;
        }
    }
    return 0;
}

/* (?:%|percent\b) of _MONEY (IGNORECASE) at q; on a match, its end goes to *end */
static int
percent_at(const Text *t, Py_ssize_t q, Py_ssize_t *end)
{
    static const char word[] = "percent";
    const Py_ssize_t n = (Py_ssize_t)(sizeof(word) - 1);

    /* % */
    if (q < t->len && CH(t, q) == '%') {
        *end = q + 1;
        return 1;
    }
    /* percent */
    if (q + n > t->len) {
        return 0;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        if (!folds_to(CH(t, q + i), word[i])) {
            return 0;
        }
    }
    /* \b: the last letter is \w, so a boundary follows it iff the next character is not \w */
    Py_ssize_t b = q + n;
    int word_before = is_word(CH(t, b - 1));
    int word_after = b < t->len && is_word(CH(t, b));
    if (word_before == word_after) {
        return 0;
    }
    *end = b;
    return 1;
}

/* _MONEY = r"[$\u00a3\u20ac]\s?\d|\d\s?(?:%|percent\b)" (IGNORECASE) tried at p; on a match, its end
 * goes to *end */
static int
money_at(const Text *t, Py_ssize_t p, Py_ssize_t *end)
{
    Py_UCS4 c = CH(t, p);
    /* first branch, [$\u00a3\u20ac]\s?\d: \s? greedy, then without it (a \s is no \d) */
    if (is_currency(c)) {
        if (space_at(t, p + 1) && digit_at(t, p + 2)) {
            *end = p + 3;
            return 1;
        }
        if (digit_at(t, p + 1)) {
            *end = p + 2;
            return 1;
        }
        return 0;
    }
    /* second branch, \d\s?(?:%|percent\b): \s? greedy, then without it */
    if (!is_digit(c)) {
        return 0;
    }
    if (space_at(t, p + 1) && percent_at(t, p + 2, end)) {
        return 1;
    }
    return percent_at(t, p + 1, end);
}

/* where the matches of one expression start, in order */
typedef struct {
    Py_ssize_t *at;
    Py_ssize_t n, cap;
} Starts;

static int
starts_push(Starts *s, Py_ssize_t at)
{
    if (s->n == s->cap) {
        Py_ssize_t cap = s->cap ? 2 * s->cap : 64;
        Py_ssize_t *grown = PyMem_Realloc(s->at, (size_t)cap * sizeof(Py_ssize_t));
        if (grown == NULL) {
            PyErr_NoMemory();
            return -1;
        }
        s->at = grown;
        s->cap = cap;
    }
    s->at[s->n++] = at;
    return 0;
}

/* whether one of the (ascending) starts lies in [lo, hi) */
static int
starts_within(const Starts *s, Py_ssize_t lo, Py_ssize_t hi)
{
    Py_ssize_t a = 0, b = s->n;  /* the first start >= lo is in [a, b] */
    while (a < b) {
        Py_ssize_t mid = a + (b - a) / 2;
        if (s->at[mid] < lo) {
            a = mid + 1;
        }
        else {
            b = mid;
        }
    }
    return a < s->n && s->at[a] < hi;
}

/* the starts of _PHONE.finditer(text) and of _MONEY.finditer(text), in one pass: each finditer
 * tries every position from where its last match ended (matches are never empty) */
static int
find_matches(const Text *t, Starts *phone, Starts *money)
{
    Py_ssize_t phone_from = 0, money_from = 0, end;
    phone->n = money->n = 0;
    for (Py_ssize_t p = 0; p < t->len; p++) {
        Py_UCS4 c = CH(t, p);
        /* every match of _PHONE starts with "+" or \d, every match of _MONEY with a currency sign or \d */
        int digit = is_digit(c);
        if (p >= phone_from && (digit || c == '+') && phone_at(t, p, &end)) {
            if (starts_push(phone, p) < 0) {
                return -1;
            }
            phone_from = end;
        }
        if (p >= money_from && (digit || is_currency(c)) && money_at(t, p, &end)) {
            if (starts_push(money, p) < 0) {
                return -1;
            }
            money_from = end;
        }
    }
    return 0;
}

/* columns 0 and 3 of the unit text[start:end]: ASCII letters and "!" */
static void
count_unit(const Text *t, Py_ssize_t start, Py_ssize_t end, double *row)
{
    Py_ssize_t upper = 0, lower = 0, bangs = 0;
#define COUNT(TYPE)                                                                       \
    do {                                                                                  \
        const TYPE *s = (const TYPE *)t->data;                                            \
        for (Py_ssize_t i = start; i < end; i++) {                                        \
            TYPE c = s[i];                                                                \
            upper += (c >= 'A' && c <= 'Z');                                              \
            lower += (c >= 'a' && c <= 'z');                                              \
            bangs += (c == '!');                                                          \
        }                                                                                 \
    } while (0)
    switch (t->kind) {
    case PyUnicode_1BYTE_KIND:
        COUNT(Py_UCS1);
        break;
    case PyUnicode_2BYTE_KIND:
        COUNT(Py_UCS2);
        break;
    default:
        COUNT(Py_UCS4);
        break;
    }
#undef COUNT
    Py_ssize_t letters = upper + lower;
    /* as numpy divides two int64 into a float64: both made doubles first */
    row[0] = letters > 0 ? (double)upper / (double)letters : 0.0;
    row[3] = bangs > 0 ? 1.0 : 0.0;
}

/* --------------------------------------------------------------------------- the batch */

/* a C-contiguous buffer of n items of 8 bytes, int64 ("q" or "l") or float64 ("d") */
static int
get_buffer(PyObject *obj, Py_buffer *view, const char *name, int writable, int floats)
{
    int flags = PyBUF_C_CONTIGUOUS | PyBUF_FORMAT | (writable ? PyBUF_WRITABLE : 0);
    if (PyObject_GetBuffer(obj, view, flags) < 0) {
        return -1;
    }
    const char *f = view->format ? view->format : "B";
    if (*f == '@' || *f == '=') {
        f++;
    }
    int ok = view->itemsize == 8
             && (floats ? strcmp(f, "d") == 0 : (strcmp(f, "q") == 0 || strcmp(f, "l") == 0));
    if (!ok) {
        PyErr_Format(PyExc_TypeError, "%s must be a contiguous array of %s", name, floats ? "float64" : "int64");
        PyBuffer_Release(view);
        view->obj = NULL;
        return -1;
    }
    return 0;
}

PyDoc_STRVAR(shape_features_doc,
"shape_features(texts, starts, ends, doc, out)\n"
"--\n"
"\n"
"Fill out (n x 4 float64) with the shape columns of unit i = texts[doc[i]][starts[i]:ends[i]]:\n"
"caps share, phone number, money, exclamation mark, as batch_shape_features_python computes them.\n"
"starts, ends and doc are contiguous int64 arrays of n items.");

static PyObject *
shape_features(PyObject *Py_UNUSED(module), PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 5) {
        PyErr_Format(PyExc_TypeError, "shape_features() takes 5 arguments (%zd given)", nargs);
        return NULL;
    }
    PyObject *result = NULL;
    Py_buffer starts_view = {0}, ends_view = {0}, doc_view = {0}, out_view = {0};
    Starts phone = {0}, money = {0};
    PyObject *texts = PySequence_Fast(args[0], "texts must be a sequence of str");
    if (texts == NULL) {
        return NULL;
    }
    if (get_buffer(args[1], &starts_view, "starts", 0, 0) < 0
        || get_buffer(args[2], &ends_view, "ends", 0, 0) < 0
        || get_buffer(args[3], &doc_view, "doc", 0, 0) < 0
        || get_buffer(args[4], &out_view, "out", 1, 1) < 0) {
        goto done;
    }
    Py_ssize_t n = starts_view.len / 8;
    if (ends_view.len / 8 != n || doc_view.len / 8 != n || out_view.len / 8 != 4 * n) {
        PyErr_SetString(PyExc_ValueError, "starts, ends and doc need one item per unit, out four");
        goto done;
    }
    const int64_t *starts = starts_view.buf, *ends = ends_view.buf, *doc = doc_view.buf;
    double *out = out_view.buf;
    Py_ssize_t n_texts = PySequence_Fast_GET_SIZE(texts);
    Py_ssize_t current = -1;  /* the document whose matches phone and money hold */
    Text text = {0};

    for (Py_ssize_t i = 0; i < n; i++) {
        int64_t d = doc[i];
        if (d < 0 || d >= n_texts) {
            PyErr_Format(PyExc_ValueError, "unit %zd: document %lld out of range", i, (long long)d);
            goto done;
        }
        if (d != current) {
            PyObject *s = PySequence_Fast_GET_ITEM(texts, (Py_ssize_t)d);
            if (!PyUnicode_Check(s)) {
                PyErr_Format(PyExc_TypeError, "texts must be str, not %.80s", Py_TYPE(s)->tp_name);
                goto done;
            }
#if PY_VERSION_HEX < 0x030C0000
            if (PyUnicode_READY(s) < 0) {
                goto done;
            }
#endif
            text.kind = PyUnicode_KIND(s);
            text.data = PyUnicode_DATA(s);
            text.len = PyUnicode_GET_LENGTH(s);
            if (find_matches(&text, &phone, &money) < 0) {
                goto done;
            }
            current = (Py_ssize_t)d;
        }
        int64_t start = starts[i], end = ends[i];
        if (start < 0 || start > end || end > text.len) {
            PyErr_Format(PyExc_ValueError, "unit %zd: [%lld, %lld) is not inside its text of %zd characters",
                         i, (long long)start, (long long)end, text.len);
            goto done;
        }
        double *row = out + 4 * i;
        count_unit(&text, (Py_ssize_t)start, (Py_ssize_t)end, row);
        /* a unit holds a match if one starts inside it */
        row[1] = starts_within(&phone, (Py_ssize_t)start, (Py_ssize_t)end) ? 1.0 : 0.0;
        row[2] = starts_within(&money, (Py_ssize_t)start, (Py_ssize_t)end) ? 1.0 : 0.0;
    }
    result = Py_NewRef(Py_None);

done:
    PyMem_Free(phone.at);
    PyMem_Free(money.at);
    if (starts_view.obj) {
        PyBuffer_Release(&starts_view);
    }
    if (ends_view.obj) {
        PyBuffer_Release(&ends_view);
    }
    if (doc_view.obj) {
        PyBuffer_Release(&doc_view);
    }
    if (out_view.obj) {
        PyBuffer_Release(&out_view);
    }
    Py_DECREF(texts);
    return result;
}

/* --------------------------------------------------------------------------- for the tests */

PyDoc_STRVAR(char_test_doc,
"char_test(atom, text) -> bytes\n"
"--\n"
"\n"
"For each character of text, 1 where this module takes it to match the one-character regular\n"
"expression atom, else 0. atom is one of \\w \\d \\s [\\w.,] [ \\-./] [$\\u00a3\\u20ac] + %% ! or a\n"
"letter of \"percent\" (matched as under IGNORECASE). For the tests, which compare it with re.");

static PyObject *
char_test(PyObject *Py_UNUSED(module), PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 2 || !PyUnicode_Check(args[0]) || !PyUnicode_Check(args[1])) {
        PyErr_SetString(PyExc_TypeError, "char_test() takes two str");
        return NULL;
    }
    const char *atom = PyUnicode_AsUTF8(args[0]);
    if (atom == NULL) {
        return NULL;
    }
    static const char *const atoms[] = {
        "\\w", "\\d", "\\s", "[\\w.,]", "[ \\-./]", "[$\\u00a3\\u20ac]", "+", "%", "!",
        "p", "e", "r", "c", "n", "t", NULL,
    };
    int which = 0;
    while (atoms[which] != NULL && strcmp(atoms[which], atom) != 0) {
        which++;
    }
    if (atoms[which] == NULL) {
        PyErr_Format(PyExc_ValueError, "unknown atom %R", args[0]);
        return NULL;
    }
    PyObject *s = args[1];
#if PY_VERSION_HEX < 0x030C0000
    if (PyUnicode_READY(s) < 0) {
        return NULL;
    }
#endif
    Text t = {PyUnicode_KIND(s), PyUnicode_DATA(s), PyUnicode_GET_LENGTH(s)};
    PyObject *result = PyBytes_FromStringAndSize(NULL, t.len);
    if (result == NULL) {
        return NULL;
    }
    char *flags = PyBytes_AS_STRING(result);
    for (Py_ssize_t i = 0; i < t.len; i++) {
        Py_UCS4 c = CH(&t, i);
        int hit;
        switch (which) {
        case 0: hit = is_word(c) != 0; break;
        case 1: hit = is_digit(c) != 0; break;
        case 2: hit = is_space(c) != 0; break;
        case 3: hit = is_word_dot_comma(c); break;
        case 4: hit = is_separator(c); break;
        case 5: hit = is_currency(c); break;
        case 6: hit = c == '+'; break;
        case 7: hit = c == '%'; break;
        case 8: hit = c == '!'; break;
        default: hit = folds_to(c, atom[0]); break;
        }
        flags[i] = (char)hit;
    }
    return result;
}

/* --------------------------------------------------------------------------- the module */

static PyMethodDef methods[] = {
    {"shape_features", (PyCFunction)(void (*)(void))shape_features, METH_FASTCALL, shape_features_doc},
    {"char_test", (PyCFunction)(void (*)(void))char_test, METH_FASTCALL, char_test_doc},
    {NULL, NULL, 0, NULL},
};

PyDoc_STRVAR(module_doc,
"The compiled shape features: excise.features.batch_shape_features() calls it when it is built.");

static struct PyModuleDef module_def = {
    PyModuleDef_HEAD_INIT,
    .m_name = "excise._shape",
    .m_doc = module_doc,
    .m_size = -1,
    .m_methods = methods,
};

PyMODINIT_FUNC
PyInit__shape(void)
{
    for (Py_UCS4 c = 0; c < 256; c++) {
        latin1_classes[c] = (unsigned char)(((Py_UNICODE_ISALNUM(c) || c == '_') ? WORD : 0)
                                            | (Py_UNICODE_ISDECIMAL(c) ? DIGIT : 0)
                                            | (Py_UNICODE_ISSPACE(c) ? SPACE : 0));
    }
    return PyModule_Create(&module_def);
}
