from django.shortcuts import get_object_or_404, render

from people.models import Organization, Person


def person_detail(request, slug):
    person = get_object_or_404(Person, slug=slug)
    return render(request, "people/person_detail.html", {"person": person})


def organization_detail(request, slug):
    organization = get_object_or_404(Organization, slug=slug)
    return render(request, "people/organization_detail.html", {"organization": organization})
