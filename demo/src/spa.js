// The demo single-page shop: the header's links change the product shown without loading a
// page, through the history API, as a shop built with a client-side router does. The page's
// title and its schema.org Product data (JSON-LD) change with it; Parley's loader notices the
// history change and tells the chat, and the agent sees the new product.
(function () {
  'use strict';

  var products = {
    'trail-runner': { name: 'Trail Runner 2', sku: 'TR2-42', price: '129.00' },
    'alpine-shell': { name: 'Alpine Shell', sku: 'AS-7', price: '219.00' },
  };
  var productData = document.createElement('script');
  productData.type = 'application/ld+json';
  document.head.appendChild(productData);

  function productInUrl() {
    return new URLSearchParams(location.search).get('product') || 'trail-runner';
  }

  function show(id) {
    var product = products[id] || products['trail-runner'];
    document.title = product.name + ' — Demo Shop';
    document.getElementById('product-name').textContent = product.name;
    document.getElementById('product-price').textContent = '€' + product.price;
    productData.textContent = JSON.stringify({
      '@context': 'https://schema.org',
      '@type': 'Product',
      name: product.name,
      sku: product.sku,
      offers: { '@type': 'Offer', price: product.price, priceCurrency: 'EUR' },
    });
  }

  document.querySelectorAll('a[data-product]').forEach(function (link) {
    link.addEventListener('click', function (event) {
      event.preventDefault();
      history.pushState(null, '', link.href);
      show(link.getAttribute('data-product'));
    });
  });
  window.addEventListener('popstate', function () {
    show(productInUrl());
  });
  show(productInUrl());
})();
