(function(){
  var pinned=null;
  function pair(el){return document.getElementById(el.getAttribute('data-pair'));}
  function mark(el,cls,on){if(!el)return;el.classList.toggle(cls,on);var p=pair(el);if(p)p.classList.toggle(cls,on);}
  function seg(e){return e.target&&e.target.closest?e.target.closest('.seg'):null;}
  document.addEventListener('mouseover',function(e){mark(seg(e),'hl',true);});
  document.addEventListener('mouseout',function(e){mark(seg(e),'hl',false);});
  function pin(s,scroll){
    if(pinned)mark(pinned,'pin',false);
    if(!s||s===pinned||pair(s)===pinned){pinned=null;return;}
    pinned=s;mark(s,'pin',true);
    var p=pair(s);
    if(scroll&&p){var r=p.getBoundingClientRect();if(r.top<40||r.bottom>innerHeight)p.scrollIntoView({block:'center'});}
    if(history.replaceState)history.replaceState(null,'','#'+s.id);
  }
  document.addEventListener('click',function(e){var s=seg(e);if(s||pinned)pin(s,true);});
  var only=document.getElementById('only-flagged');
  if(only)only.addEventListener('change',function(){document.body.classList.toggle('only-flagged',only.checked);});
  // A link of the confidence list pins the sentence it names.
  addEventListener('hashchange',function(){var t=document.getElementById(location.hash.slice(1));if(t&&t.classList.contains('seg')&&t!==pinned)pin(t,true);});
  var h=location.hash&&document.getElementById(location.hash.slice(1));
  // After the browser's own jump to the fragment: centre it, so its counterpart shows too.
  if(h&&h.classList.contains('seg')){pin(h,false);addEventListener('load',function(){setTimeout(function(){h.scrollIntoView({block:'center'});},0);});}
})();
