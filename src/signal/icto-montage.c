/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "icto-montage"

#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <glib/gi18n.h>

#include "signal/icto-layout.h"
#include "signal/icto-montage.h"

#define MAX_OUTPUTS   4096
#define MAX_LINE      4096
#define MAX_FILE      (1024 * 1024)

typedef struct {
  char  *label;
  char  *group;
  guint *inputs;
  float *weights;
  guint  n_terms;
} Output;

struct _IctoMontage
{
  gatomicrefcount  ref;
  IctoMontageKind  kind;
  guint            n_inputs;
  GArray          *outputs;   /* Output */
};

G_DEFINE_BOXED_TYPE (IctoMontage, icto_montage, icto_montage_ref, icto_montage_unref)

static void
clear_output (gpointer p)
{
  Output *o = p;
  g_free (o->label);
  g_free (o->group);
  g_free (o->inputs);
  g_free (o->weights);
}

static IctoMontage *
montage_alloc (IctoMontageKind kind, guint n_inputs)
{
  IctoMontage *self = g_new0 (IctoMontage, 1);
  g_atomic_ref_count_init (&self->ref);
  self->kind = kind;
  self->n_inputs = n_inputs;
  self->outputs = g_array_new (FALSE, TRUE, sizeof (Output));
  g_array_set_clear_func (self->outputs, clear_output);
  return self;
}

static void
add_output (IctoMontage *self, const char *label, const char *group,
            const guint *inputs, const float *weights, guint n_terms)
{
  Output o;
  o.label = g_strdup (label);
  o.group = g_strdup (group ? group : "");
  o.inputs = g_memdup2 (inputs, sizeof (guint) * MAX (n_terms, 1));
  o.weights = g_memdup2 (weights, sizeof (float) * MAX (n_terms, 1));
  o.n_terms = n_terms;
  g_array_append_val (self->outputs, o);
}

gboolean
icto_montage_parse_contact (const char  *label,
                            char       **shaft,
                            int         *number)
{
  g_autofree char *l = g_strstrip (g_strdup (label));
  gsize len, end, start;

  if (g_str_has_prefix (l, "EEG "))
    memmove (l, l + 4, strlen (l + 4) + 1);
  len = strlen (l);
  if (len > 4 && (g_str_has_suffix (l, "-Ref") || g_str_has_suffix (l, "-REF") || g_str_has_suffix (l, "-ref")))
    l[len -= 4] = 0;
  end = len;
  start = end;
  while (start > 0 && g_ascii_isdigit (l[start - 1]))
    start--;
  if (start == end || start == 0 || end - start > 6)
    return FALSE;
  *number = atoi (l + start);
  l[start] = 0;
  *shaft = g_strdup (l);
  return TRUE;
}

static char *
shaft_of (const char *label, const char *group)
{
  char *shaft = NULL;
  int number;

  if (group && *group && g_ascii_strcasecmp (group, "n/a") != 0)
    return g_strdup (group);
  if (icto_montage_parse_contact (label, &shaft, &number))
    return shaft;
  return NULL;
}

typedef struct {
  guint input;
  int   number;
} Contact;

static gint
compare_contacts (gconstpointer a, gconstpointer b)
{
  const Contact *x = a, *y = b;
  return x->number - y->number;
}

IctoMontage *
icto_montage_new (IctoMontageKind    kind,
                  const char *const *labels,
                  guint              n_inputs,
                  const gboolean    *excluded,
                  const char *const *groups)
{
  return icto_montage_new_with_layout (kind, labels, n_inputs, excluded, groups, NULL);
}

IctoMontage *
icto_montage_new_with_layout (IctoMontageKind    kind,
                              const char *const *labels,
                              guint              n_inputs,
                              const gboolean    *excluded,
                              const char *const *groups,
                              const IctoLayout  *layout)
{
  IctoMontage *self;
  g_autofree char **shafts = NULL;
  g_autoptr(IctoLayout) own_layout = NULL;

  g_return_val_if_fail (labels != NULL || n_inputs == 0, NULL);
  g_return_val_if_fail (kind != ICTO_MONTAGE_CUSTOM, NULL);

  self = montage_alloc (kind, n_inputs);
  shafts = g_new0 (char *, n_inputs + 1);
  for (guint i = 0; i < n_inputs; i++)
    shafts[i] = shaft_of (labels[i], groups ? groups[i] : NULL);

  switch (kind)
    {
    case ICTO_MONTAGE_REFERENTIAL:
      for (guint i = 0; i < n_inputs; i++)
        {
          float w = 1.0f;
          add_output (self, labels[i], shafts[i], &i, &w, 1);
        }
      break;

    case ICTO_MONTAGE_COMMON_AVERAGE:
    case ICTO_MONTAGE_SHAFT_AVERAGE:
      {
        g_autofree guint *in = g_new (guint, n_inputs + 1);
        g_autofree float *w = g_new (float, n_inputs + 1);
        for (guint i = 0; i < n_inputs; i++)
          {
            guint n = 0, n_ref = 0;
            in[n] = i;
            w[n++] = 1.0f;
            if (kind == ICTO_MONTAGE_COMMON_AVERAGE || shafts[i] != NULL)
              {
                for (guint j = 0; j < n_inputs; j++)
                  if (!(excluded && excluded[j]) &&
                      (kind == ICTO_MONTAGE_COMMON_AVERAGE || g_strcmp0 (shafts[i], shafts[j]) == 0))
                    n_ref++;
                for (guint j = 0; j < n_inputs && n_ref > 0; j++)
                  if (!(excluded && excluded[j]) &&
                      (kind == ICTO_MONTAGE_COMMON_AVERAGE || g_strcmp0 (shafts[i], shafts[j]) == 0))
                    {
                      if (j == i)
                        w[0] -= 1.0f / (float) n_ref;
                      else
                        {
                          in[n] = j;
                          w[n++] = -1.0f / (float) n_ref;
                        }
                    }
              }
            add_output (self, labels[i], shafts[i], in, w, n);
          }
      }
      break;

    case ICTO_MONTAGE_BIPOLAR:
      {
        /* shafts in order of first appearance */
        g_autoptr(GPtrArray) order = g_ptr_array_new ();
        /* grid sizes: the caller's layout, else the label rule of icto-layout.h */
        if (layout == NULL)
          layout = own_layout = icto_layout_new_from_labels (labels, n_inputs, groups, NULL,
                                                             ICTO_LAYOUT_HINT_AUTO, NULL, 0);
        for (guint i = 0; i < n_inputs; i++)
          if (shafts[i] && !g_ptr_array_find_with_equal_func (order, shafts[i], g_str_equal, NULL))
            g_ptr_array_add (order, shafts[i]);
        for (guint k = 0; k < order->len; k++)
          {
            const char *shaft = order->pdata[k];
            g_autoptr(GArray) contacts = g_array_new (FALSE, FALSE, sizeof (Contact));
            int max_number = 0;
            int grid_rows = 0, grid_cols = 0;
            gboolean grid;
            for (guint i = 0; i < n_inputs; i++)
              {
                g_autofree char *sh = NULL;
                Contact c;
                if (g_strcmp0 (shafts[i], shaft) != 0 || (excluded && excluded[i]) ||
                    !icto_montage_parse_contact (labels[i], &sh, &c.number))
                  continue;
                c.input = i;
                max_number = MAX (max_number, c.number);
                g_array_append_val (contacts, c);
              }
            g_array_sort (contacts, compare_contacts);
            grid = icto_layout_get_grid_size (layout, shaft, &grid_rows, &grid_cols) && grid_cols > 0;
            (void) max_number;
            for (guint m = 0; m + 1 < contacts->len; m++)
              {
                const Contact *a = &g_array_index (contacts, Contact, m);
                const Contact *b = &g_array_index (contacts, Contact, m + 1);
                guint in[2] = { a->input, b->input };
                float w[2] = { 1.0f, -1.0f };
                g_autofree char *label = NULL;
                if (b->number != a->number + 1 || (grid && a->number % grid_cols == 0))
                  continue;
                label = g_strdup_printf ("%s-%s", labels[a->input], labels[b->input]);
                add_output (self, label, shaft, in, w, 2);
              }
          }
      }
      break;

    case ICTO_MONTAGE_CUSTOM:
    default:
      g_assert_not_reached ();
    }
  for (guint i = 0; i < n_inputs; i++)
    g_free (shafts[i]);
  return self;
}

/* ----------------------------------------------------------- custom text */

typedef struct {
  const char *p;
  const char *end;
  guint       line;
} Lexer;

static void
skip_spaces (Lexer *lx)
{
  while (lx->p < lx->end && (*lx->p == ' ' || *lx->p == '\t' || *lx->p == '\r'))
    lx->p++;
}

static gboolean
is_word_char (char c)
{
  return g_ascii_isalnum (c) || c == '\'' || c == '_' || c == '.' || c == '-' || (guchar) c >= 0x80;
}

static gboolean
parse_error (GError **error, guint line, const char *what)
{
  g_set_error (error, ICTO_SIGNAL_ERROR, ICTO_SIGNAL_ERROR_PARSE,
               _("Montage line %u: %s"), line, what);
  return FALSE;
}

/* A label: quoted string or bare word.  In an expression, a bare word stops
 * before " - " only at whitespace; "-" inside a word is part of it. */
static char *
parse_label (Lexer *lx, GError **error)
{
  skip_spaces (lx);
  if (lx->p < lx->end && *lx->p == '"')
    {
      GString *s = g_string_new (NULL);
      lx->p++;
      while (lx->p < lx->end && *lx->p != '"' && *lx->p != '\n')
        {
          if (*lx->p == '\\' && lx->p + 1 < lx->end && (lx->p[1] == '"' || lx->p[1] == '\\'))
            lx->p++;
          g_string_append_c (s, *lx->p++);
        }
      if (lx->p >= lx->end || *lx->p != '"')
        {
          g_string_free (s, TRUE);
          parse_error (error, lx->line, _("a quoted label is not closed"));
          return NULL;
        }
      lx->p++;
      return g_string_free (s, FALSE);
    }
  {
    const char *start = lx->p;
    if (lx->p < lx->end && *lx->p == '-')
      {
        parse_error (error, lx->line, _("a label is expected"));
        return NULL;
      }
    while (lx->p < lx->end && is_word_char (*lx->p))
      lx->p++;
    if (lx->p == start)
      {
        parse_error (error, lx->line, _("a label is expected"));
        return NULL;
      }
    return g_strndup (start, lx->p - start);
  }
}

static int
find_label (const char *const *labels, guint n, const char *label)
{
  for (guint i = 0; i < n; i++)
    if (strcmp (labels[i], label) == 0)
      return (int) i;
  return -1;
}

static gboolean
parse_line (IctoMontage *self, Lexer *lx, const char *const *labels, guint n_inputs, GError **error)
{
  g_autofree char *out_label = NULL;
  g_autofree char *group = NULL;
  g_autoptr(GArray) in = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autoptr(GArray) w = g_array_new (FALSE, FALSE, sizeof (float));
  double sign = 1.0;

  /* output label: everything up to '=' (trimmed), or a quoted string */
  skip_spaces (lx);
  if (lx->p < lx->end && *lx->p == '"')
    {
      out_label = parse_label (lx, error);
      if (out_label == NULL)
        return FALSE;
      skip_spaces (lx);
      if (lx->p >= lx->end || *lx->p != '=')
        return parse_error (error, lx->line, _("“=” is expected after the output label"));
    }
  else
    {
      const char *start = lx->p;
      while (lx->p < lx->end && *lx->p != '=' && *lx->p != '\n')
        lx->p++;
      if (lx->p >= lx->end || *lx->p != '=')
        return parse_error (error, lx->line, _("“=” is expected after the output label"));
      out_label = g_strstrip (g_strndup (start, lx->p - start));
      if (*out_label == '\0')
        return parse_error (error, lx->line, _("the output label is empty"));
    }
  lx->p++; /* '=' */

  for (;;)
    {
      double weight = 1.0;
      g_autofree char *label = NULL;
      int idx;
      float wf;
      guint ui;

      skip_spaces (lx);
      /* optional number '*' */
      if (lx->p < lx->end && (g_ascii_isdigit (*lx->p) || *lx->p == '.'))
        {
          char *num_end = NULL;
          g_autofree char *tmp = g_strndup (lx->p, MIN (64, lx->end - lx->p));
          double v = g_ascii_strtod (tmp, &num_end);
          const char *after = lx->p + (num_end - tmp);
          const char *q = after;
          while (q < lx->end && (*q == ' ' || *q == '\t'))
            q++;
          if (num_end != tmp && q < lx->end && *q == '*')
            {
              if (!isfinite (v))
                return parse_error (error, lx->line, _("the weight is not a finite number"));
              weight = v;
              lx->p = q + 1;
            }
        }
      label = parse_label (lx, error);
      if (label == NULL)
        return FALSE;
      idx = find_label (labels, n_inputs, label);
      if (idx < 0)
        {
          g_autofree char *msg = g_strdup_printf (_("the channel “%s” is not in the recording"), label);
          return parse_error (error, lx->line, msg);
        }
      ui = (guint) idx;
      wf = (float) (sign * weight);
      g_array_append_val (in, ui);
      g_array_append_val (w, wf);
      skip_spaces (lx);
      if (lx->p >= lx->end || *lx->p == '\n' || *lx->p == '#')
        break;
      if (*lx->p == '[')
        {
          const char *start;
          lx->p++;
          skip_spaces (lx);
          if (lx->end - lx->p < 6 || strncmp (lx->p, "group", 5) != 0)
            return parse_error (error, lx->line, _("“[group NAME]” is expected"));
          lx->p += 5;
          skip_spaces (lx);
          start = lx->p;
          while (lx->p < lx->end && *lx->p != ']' && *lx->p != '\n')
            lx->p++;
          if (lx->p >= lx->end || *lx->p != ']')
            return parse_error (error, lx->line, _("“]” is missing"));
          group = g_strstrip (g_strndup (start, lx->p - start));
          lx->p++;
          skip_spaces (lx);
          if (lx->p < lx->end && *lx->p != '\n' && *lx->p != '#')
            return parse_error (error, lx->line, _("unexpected text after the group"));
          break;
        }
      if (*lx->p == '+')
        sign = 1.0;
      else if (*lx->p == '-')
        sign = -1.0;
      else
        return parse_error (error, lx->line, _("“+” or “-” is expected between terms"));
      lx->p++;
    }
  if (self->outputs->len >= MAX_OUTPUTS)
    return parse_error (error, lx->line, _("too many outputs"));
  if (group == NULL)
    group = shaft_of (labels[g_array_index (in, guint, 0)], NULL);
  add_output (self, out_label, group, (guint *) in->data, (float *) w->data, in->len);
  return TRUE;
}

IctoMontage *
icto_montage_new_from_data (const char         *text,
                            gssize              length,
                            const char *const  *labels,
                            guint               n_inputs,
                            GError            **error)
{
  IctoMontage *self;
  Lexer lx;

  g_return_val_if_fail (text != NULL, NULL);
  if (length < 0)
    length = (gssize) strlen (text);
  if (memchr (text, 0, (gsize) length) != NULL || !g_utf8_validate (text, length, NULL))
    {
      g_set_error (error, ICTO_SIGNAL_ERROR, ICTO_SIGNAL_ERROR_PARSE,
                   _("The montage is not UTF-8 text"));
      return NULL;
    }
  self = montage_alloc (ICTO_MONTAGE_CUSTOM, n_inputs);
  lx.p = text;
  lx.end = text + length;
  lx.line = 1;
  while (lx.p < lx.end)
    {
      const char *eol = memchr (lx.p, '\n', lx.end - lx.p);
      const char *line_end = eol ? eol : lx.end;
      Lexer line = { lx.p, line_end, lx.line };

      if (line_end - lx.p > MAX_LINE)
        {
          parse_error (error, lx.line, _("the line is too long"));
          icto_montage_unref (self);
          return NULL;
        }
      skip_spaces (&line);
      if (line.p < line.end && *line.p != '#')
        {
          if (!parse_line (self, &line, labels, n_inputs, error))
            {
              icto_montage_unref (self);
              return NULL;
            }
        }
      lx.p = eol ? eol + 1 : lx.end;
      lx.line++;
    }
  return self;
}

IctoMontage *
icto_montage_new_from_file (const char         *path,
                            const char *const  *labels,
                            guint               n_inputs,
                            GError            **error)
{
  g_autofree char *contents = NULL;
  gsize len;
  g_autoptr(GError) local = NULL;

  if (!g_file_get_contents (path, &contents, &len, &local))
    {
      g_set_error (error, ICTO_SIGNAL_ERROR, ICTO_SIGNAL_ERROR_IO,
                   _("Could not read the montage “%s”: %s"), path, local->message);
      return NULL;
    }
  if (len > MAX_FILE)
    {
      g_set_error (error, ICTO_SIGNAL_ERROR, ICTO_SIGNAL_ERROR_PARSE,
                   _("The montage “%s” is too large"), path);
      return NULL;
    }
  return icto_montage_new_from_data (contents, (gssize) len, labels, n_inputs, error);
}

IctoMontage *
icto_montage_ref (IctoMontage *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_atomic_ref_count_inc (&self->ref);
  return self;
}

void
icto_montage_unref (IctoMontage *self)
{
  g_return_if_fail (self != NULL);
  if (g_atomic_ref_count_dec (&self->ref))
    {
      g_array_unref (self->outputs);
      g_free (self);
    }
}

IctoMontageKind
icto_montage_get_kind (const IctoMontage *self)
{
  return self->kind;
}

guint
icto_montage_get_n_inputs (const IctoMontage *self)
{
  return self->n_inputs;
}

guint
icto_montage_get_n_outputs (const IctoMontage *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->outputs->len;
}

const char *
icto_montage_get_label (const IctoMontage *self,
                        guint              output)
{
  g_return_val_if_fail (self != NULL && output < self->outputs->len, NULL);
  return g_array_index (self->outputs, Output, output).label;
}

const char *
icto_montage_get_group (const IctoMontage *self,
                        guint              output)
{
  g_return_val_if_fail (self != NULL && output < self->outputs->len, NULL);
  return g_array_index (self->outputs, Output, output).group;
}

void
icto_montage_get_terms (const IctoMontage *self,
                        guint              output,
                        const guint      **inputs,
                        const float      **weights,
                        guint             *n_terms)
{
  const Output *o;

  g_return_if_fail (self != NULL && output < self->outputs->len);
  o = &g_array_index (self->outputs, Output, output);
  if (inputs)
    *inputs = o->inputs;
  if (weights)
    *weights = o->weights;
  if (n_terms)
    *n_terms = o->n_terms;
}

void
icto_montage_compute (const IctoMontage  *self,
                      guint               output,
                      const float *const *inputs,
                      gsize               n,
                      float              *out)
{
  const Output *o;

  g_return_if_fail (self != NULL && output < self->outputs->len);
  o = &g_array_index (self->outputs, Output, output);
  for (gsize i = 0; i < n; i++)
    out[i] = 0.0f;
  for (guint t = 0; t < o->n_terms; t++)
    {
      const float *x = inputs[o->inputs[t]];
      const float w = o->weights[t];
      g_return_if_fail (x != NULL);
      if (w == 1.0f)
        for (gsize i = 0; i < n; i++)
          out[i] += x[i];
      else if (w == -1.0f)
        for (gsize i = 0; i < n; i++)
          out[i] -= x[i];
      else
        for (gsize i = 0; i < n; i++)
          out[i] += w * x[i];
    }
}

gboolean
icto_montage_read_channels_tsv (const char   *path,
                                char       ***names,
                                char       ***groups,
                                gboolean    **bad,
                                GError      **error)
{
  g_autofree char *contents = NULL;
  g_autoptr(GError) local = NULL;
  g_auto(GStrv) lines = NULL;
  g_auto(GStrv) header = NULL;
  int col_name = -1, col_group = -1, col_status = -1;
  g_autoptr(GPtrArray) n = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) g = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GArray) b = g_array_new (FALSE, FALSE, sizeof (gboolean));
  gsize len;

  if (!g_file_get_contents (path, &contents, &len, &local))
    {
      g_set_error (error, ICTO_SIGNAL_ERROR, ICTO_SIGNAL_ERROR_IO,
                   _("Could not read “%s”: %s"), path, local->message);
      return FALSE;
    }
  if (len > 16 * MAX_FILE || !g_utf8_validate (contents, len, NULL) || memchr (contents, 0, len))
    {
      g_set_error (error, ICTO_SIGNAL_ERROR, ICTO_SIGNAL_ERROR_PARSE,
                   _("“%s” line 1: not a UTF-8 text table"), path);
      return FALSE;
    }
  lines = g_strsplit (contents, "\n", -1);
  if (lines[0] == NULL)
    {
      g_set_error (error, ICTO_SIGNAL_ERROR, ICTO_SIGNAL_ERROR_PARSE, _("“%s” line 1: empty table"), path);
      return FALSE;
    }
  g_strchomp (lines[0]);
  header = g_strsplit (lines[0], "\t", -1);
  for (int i = 0; header[i]; i++)
    {
      if (strcmp (header[i], "name") == 0)
        col_name = i;
      else if (strcmp (header[i], "group") == 0)
        col_group = i;
      else if (strcmp (header[i], "status") == 0)
        col_status = i;
    }
  if (col_name < 0)
    {
      g_set_error (error, ICTO_SIGNAL_ERROR, ICTO_SIGNAL_ERROR_PARSE,
                   _("“%s” line 1: there is no “name” column"), path);
      return FALSE;
    }
  for (guint l = 1; lines[l]; l++)
    {
      g_auto(GStrv) cells = NULL;
      guint n_cells;
      gboolean is_bad;
      g_strchomp (lines[l]);
      if (lines[l][0] == '\0')
        continue;
      cells = g_strsplit (lines[l], "\t", -1);
      n_cells = g_strv_length (cells);
      if ((int) n_cells <= MAX (col_name, MAX (col_group, col_status)))
        {
          g_set_error (error, ICTO_SIGNAL_ERROR, ICTO_SIGNAL_ERROR_PARSE,
                       _("“%s” line %u: too few columns"), path, l + 1);
          return FALSE;
        }
      g_ptr_array_add (n, g_strdup (cells[col_name]));
      g_ptr_array_add (g, col_group >= 0 && strcmp (cells[col_group], "n/a") != 0 ? g_strdup (cells[col_group]) : NULL);
      is_bad = col_status >= 0 && strcmp (cells[col_status], "bad") == 0;
      g_array_append_val (b, is_bad);
    }
  /* NULL-terminate names; groups may contain NULL entries, so return the
   * count through the names array */
  g_ptr_array_add (n, NULL);
  g_ptr_array_add (g, NULL);
  *names = (char **) g_ptr_array_free (g_steal_pointer (&n), FALSE);
  *groups = (char **) g_ptr_array_free (g_steal_pointer (&g), FALSE);
  *bad = (gboolean *) g_array_free (g_steal_pointer (&b), FALSE);
  return TRUE;
}
