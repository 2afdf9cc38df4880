from django.shortcuts import get_object_or_404, render

from .models import Supplier


def supplier_detail(request, neq):
    supplier = get_object_or_404(Supplier.objects.published(), neq=neq)
    return render(request, "suppliers/detail.html", {"supplier": supplier})
