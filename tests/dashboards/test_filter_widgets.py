"""The filter form's selects, written in Python: escaped, selected, like Django's."""

from __future__ import annotations

from django import forms

from analytics.dashboards.filters import QuickSelect, QuickSelectMultiple


def _options(html: str) -> list[str]:
    return [part.split(">")[0] for part in html.split("<option")[1:]]


def test_a_select_escapes_labels_and_marks_the_chosen_value():
    html = QuickSelect(choices=[("", "All"), ("C1", "A & B"), ("C2", "<x>")]).render(
        "clinician", "C1", {"id": "id_clinician"}
    )
    assert html.startswith('<select name="clinician" id="id_clinician">')
    assert '<option value="C1" selected>A &amp; B</option>' in html
    assert '<option value="C2">&lt;x&gt;</option>' in html


def test_a_multiple_select_matches_djangos_choices_and_selection():
    choices = [("C1", "One"), ("C2", "Two"), ("C3", "Three")]
    mine = QuickSelectMultiple(choices=choices).render("clinic", ["C1", "C3"], {"id": "id_c"})
    django = forms.SelectMultiple(choices=choices).render("clinic", ["C1", "C3"], {"id": "id_c"})
    assert " multiple" in mine
    assert [" ".join(o.split()) for o in _options(mine)] == [
        " ".join(o.split()) for o in _options(django)
    ]


def test_a_value_with_quotes_cannot_break_out_of_its_attribute():
    html = QuickSelect(choices=[('x" onmouseover="alert(1)', "Evil")]).render("payer", "", {})
    assert 'value="x&quot; onmouseover=&quot;alert(1)"' in html
    assert 'onmouseover="' not in html


def test_plain_choice_fields_still_reject_a_value_not_offered():
    from analytics.dashboards.filters import PlainChoiceField, PlainMultipleChoiceField

    single = PlainChoiceField(required=False, widget=QuickSelect)
    single.choices = [("", "All"), ("P1", "Payer one")]
    assert single.clean("P1") == "P1"
    assert single.widget.choices == [("", "All"), ("P1", "Payer one")]
    multiple = PlainMultipleChoiceField(required=False, widget=QuickSelectMultiple)
    multiple.choices = [("C1", "One")]
    assert multiple.clean(["C1"]) == ["C1"]
    for field, value in ((single, "P2"), (multiple, ["C1", "C9"])):
        try:
            field.clean(value)
        except forms.ValidationError as error:
            assert error.code == "invalid_choice"
        else:
            raise AssertionError(f"{value!r} was accepted")
