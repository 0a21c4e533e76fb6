(function(){
  var table=document.getElementById('articles');if(!table)return;
  var body=table.tBodies[0],heads=table.tHead.rows[0].cells;
  function key(row,i){return row.cells[i].getAttribute('data-v');}
  Array.prototype.forEach.call(heads,function(th,i){
    var b=th.querySelector('button');if(!b)return;
    b.addEventListener('click',function(){
      var num=th.getAttribute('data-type')==='num';
      var dir=th.getAttribute('aria-sort')==='ascending'?-1:th.getAttribute('aria-sort')==='descending'?1:(num?-1:1);
      Array.prototype.forEach.call(heads,function(h){h.removeAttribute('aria-sort');});
      th.setAttribute('aria-sort',dir>0?'ascending':'descending');
      var rows=Array.prototype.slice.call(body.rows);
      rows.sort(function(a,b){
        var x=key(a,i),y=key(b,i);
        if(x===''||y==='')return (x==='')-(y==='');
        var c=num?parseFloat(x)-parseFloat(y):x.localeCompare(y,undefined,{numeric:true,sensitivity:'base'});
        return c*dir;
      });
      rows.forEach(function(r){body.appendChild(r);});
    });
  });
  var wrap=table.parentNode,hint=document.getElementById('hint');
  function more(){if(hint)hint.classList.toggle('on',wrap.scrollWidth>wrap.clientWidth+1);}
  more();addEventListener('resize',more);
  var f=document.getElementById('filter');
  if(f)f.addEventListener('input',function(){
    var q=f.value.toLowerCase();
    Array.prototype.forEach.call(body.rows,function(r){r.hidden=q!==''&&key(r,0).toLowerCase().indexOf(q)<0;});
  });
})();
